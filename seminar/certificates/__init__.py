"""获奖证书 and 参会证明: issued by the organizers, downloaded by their holders, verified by anyone."""

"""Passwords long enough to pass the length rule that attackers still try first.

Lower-case; compared after lower-casing. Shorter ones need not be listed: the length rule
already refuses them. Collected from published leak statistics, Chinese sites' included.
"""

from __future__ import annotations

COMMON_PASSWORDS = frozenset(
    """
    1234567890 0123456789 0987654321 9876543210 1234567899 1111111111 0000000000 1122334455
    1234512345 12345678910 123456789a a123456789 123456789q q123456789 1q2w3e4r5t 1qaz2wsx3edc
    qwertyuiop qwerty1234 qwerty12345 qwer1234qwer asdfghjkl1 asdfghjkl; zxcvbnm123 zxcvbnm1234
    1qaz2wsx3e 1q2w3e4r5t6y abc1234567 abcd123456 abcdefghij abcdef1234 aa12345678 aaa1234567
    password12 password123 password1234 passw0rd12 p@ssw0rd12 p@ssword123 admin12345 admin123456
    administrator welcome123 welcome1234 iloveyou12 iloveyou123 woaini1314 woaini520 5201314520
    13141314520 woaini123456 wang123456 zhang123456 li12345678 qq12345678 qq123456789 baidu12345
    china12345 china123456 beijing123 shanghai123 guangzhou123 shenzhen123 letmein123 sunshine12
    football12 princess12 monkey1234 dragon1234 master1234 superman12 trustno1234 computer12
    internet12 changeme12 changeme123 default123 test123456 testtest12 guest12345 user123456
    seminar123 demo-password demopassword
    """.split()
)

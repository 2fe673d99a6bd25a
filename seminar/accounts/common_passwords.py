"""Words and numbers common in Chinese passwords, which zxcvbn's lists (drawn from English-language
sites) rank low or lack: woaini is its 11,542nd password, 5201314 its 5,260th, aini and 1314 are
missing, while Chinese sites' leaks put them near the top.

zxcvbn finds them inside a longer password and combines them with its own patterns, so pieces are
enough: woaini1314520 is woaini + 1314520. Most common first (zxcvbn counts a word's rank as the
guesses it takes); lower-case, as zxcvbn compares in lower case.
"""

from __future__ import annotations

CHINESE_PASSWORD_WORDS = (
    # 我爱你, 一生一世, 我爱你一生一世 and the like, in pinyin and as numbers
    "woaini", "5201314", "1314520", "1314", "520", "521", "aini", "1314521", "woaiwojia", "aiwo",
    # 我是谁, 我的密码, 宝贝, 老婆, 老公, 你好, 中国, 中华
    "woshishui", "wodemima", "mima", "baobei", "laopo", "laogong", "nihao", "zhongguo", "zhonghua",
    # the placeholder names 张三, 李四, 王五
    "zhangsan", "lisi", "wangwu",
    # sites' names that people build passwords on
    "qq", "baidu", "taobao", "hao123", "wangyi", "dearbook", "xiazhili",
)

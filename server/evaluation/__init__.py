"""The December evaluation (年度评议, DESIGN.md S5; the article: "每年12月底前，社区党组织召开由社区
“两委”干部、党员和居民代表参加的评议会"): a community's round over a year evaluates every unit
party organisation and member reporting there (server/ledger/roster.py) on their record (the
service record: hours, services, residents' ratings) and a democratic evaluation — the 两委, party
members and residents' representatives each fill a scoring form on their phones, offline too;
individual scores are seen by the round's organiser only — combined with documented weights into
a grade (优秀 / 合格 / 基本合格 / 不合格), exported for the organisation departments as XLSX. In
the autumn, members and units behind on their hours are reminded. PROTOCOL.md §20; the rules in
the README."""

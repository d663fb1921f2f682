"""zh-hans input formats with ISO first, because the first one is how a form renders a value.

Django's own zh_Hans formats put "2026/01/01" first; `<input type="date">` and `type="datetime-local"`
take only ISO values ("2026-01-01", "2026-01-01 08:30"), so a browser dropped such a default and the
form posted back empty. The other formats stay accepted on input; everything else comes from Django.
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2016-09-05'
    "%Y/%m/%d",  # '2016/09/05'
    "%Y年%n月%j日",  # '2016年9月5日'
]

DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",  # '2016-09-05 20:45'
    "%Y/%m/%d %H:%M",  # '2016/09/05 20:45'
    "%Y年%n月%j日 %H:%M",  # '2016年9月5日 14:45'
    "%Y-%m-%d %H:%M:%S",  # '2016-09-05 20:45:29'
    "%Y/%m/%d %H:%M:%S",  # '2016/09/05 20:45:29'
    "%Y年%n月%j日 %H:%M:%S",  # '2016年9月5日 20:45:29'
    "%Y-%m-%d %H:%M:%S.%f",  # '2016-09-05 20:45:29.000200'
    "%Y/%m/%d %H:%M:%S.%f",  # '2016/09/05 20:45:29.000200'
]

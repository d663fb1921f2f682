"""The national standard's code tables (民政部《志愿服务信息系统基本规范》 data elements) and how our
choices map to them and back. Codes the ledger does not hold (民族, 学历) are kept for checking an
imported file; their columns are empty on export (docs/exchange.md)."""

from __future__ import annotations

# GB/T 2261.1-2003 人的性别代码
GENDER = {"0": "未知的性别", "1": "男性", "2": "女性", "9": "未说明的性别"}
GENDER_TO_CODE = {"M": "1", "F": "2"}
GENDER_FROM_CODE = {"1": "M", "2": "F"}

# GB/T 3304-1991 中国各民族名称的罗马字母拼写法和代码 (数字代码)
ETHNICITY = {
    f"{i:02d}": name
    for i, name in enumerate(
        [
            "汉族",
            "蒙古族",
            "回族",
            "藏族",
            "维吾尔族",
            "苗族",
            "彝族",
            "壮族",
            "布依族",
            "朝鲜族",
            "满族",
            "侗族",
            "瑶族",
            "白族",
            "土家族",
            "哈尼族",
            "哈萨克族",
            "傣族",
            "黎族",
            "傈僳族",
            "佤族",
            "畲族",
            "高山族",
            "拉祜族",
            "水族",
            "东乡族",
            "纳西族",
            "景颇族",
            "柯尔克孜族",
            "土族",
            "达斡尔族",
            "仫佬族",
            "羌族",
            "布朗族",
            "撒拉族",
            "毛南族",
            "仡佬族",
            "锡伯族",
            "阿昌族",
            "普米族",
            "塔吉克族",
            "怒族",
            "乌孜别克族",
            "俄罗斯族",
            "鄂温克族",
            "德昂族",
            "保安族",
            "裕固族",
            "京族",
            "塔塔尔族",
            "独龙族",
            "鄂伦春族",
            "赫哲族",
            "门巴族",
            "珞巴族",
            "基诺族",
        ],
        start=1,
    )
}

# GB/T 4762-1984 政治面貌代码
POLITICAL = {
    "01": "中国共产党党员",
    "02": "中国共产党预备党员",
    "03": "中国共产主义青年团团员",
    "04": "中国国民党革命委员会会员",
    "05": "中国民主同盟盟员",
    "06": "中国民主建国会会员",
    "07": "中国民主促进会会员",
    "08": "中国农工民主党党员",
    "09": "中国致公党党员",
    "10": "九三学社社员",
    "11": "台湾民主自治同盟盟员",
    "12": "无党派民主人士",
    "13": "群众",
}
POLITICAL_TO_CODE = {"party_member": "01", "probationary": "02", "league_member": "03", "masses": "13"}
# 04–12 have no choice of their own in the ledger (中共党员/预备党员/团员/群众): they arrive as 群众.
POLITICAL_FROM_CODE = {"01": "party_member", "02": "probationary", "03": "league_member"} | {
    code: "masses" for code in POLITICAL if code not in {"01", "02", "03"}
}

# GB/T 4658-2006 学历代码 (the first level and the common second-level codes)
EDUCATION = {
    "10": "研究生教育",
    "11": "博士研究生毕业",
    "14": "硕士研究生毕业",
    "20": "大学本科教育",
    "21": "大学本科毕业",
    "30": "大学专科教育",
    "31": "大学专科毕业",
    "40": "中等职业教育",
    "60": "普通高级中学教育",
    "61": "普通高中毕业",
    "70": "初级中学教育",
    "71": "初中毕业",
    "80": "小学教育",
    "81": "小学毕业",
    "90": "其他",
}

# 证件类型: the standard names the document kind; its 2015 text gives no national code table, so the
# file carries these codes with the label beside them.
ID_TYPE = {"1": "居民身份证", "2": "港澳居民来往内地通行证", "3": "台湾居民来往大陆通行证", "4": "护照", "9": "其他"}
ID_TYPE_TO_CODE = {"resident_id": "1", "hk_macao": "2", "taiwan": "3", "passport": "4", "other": "9"}
ID_TYPE_FROM_CODE = {code: value for value, code in ID_TYPE_TO_CODE.items()}

# 服务时长类型: 服务信用时数 / 荣誉时数 (our two kinds; the standard's 服务时间 is the credit kind).
RECORD_KIND_TO_CODE = {"credit": "1", "honour": "2"}
RECORD_KIND_FROM_CODE = {code: kind for kind, code in RECORD_KIND_TO_CODE.items()}


def is_area_code(value: str) -> bool:
    """GB/T 2260 行政区划代码: six digits (an org node's `code` may carry a longer 统一社会信用代码)."""
    return len(value) == 6 and value.isdigit()

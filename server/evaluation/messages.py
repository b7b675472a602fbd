"""The catalog entries of the December evaluation: the scoring form's refusals (rejection and
field messages, server/evaluation/rules.py), the organiser's request errors, the grades, and the
notices."""

from server.i18n import refusal_entries

REFUSALS = {
    "zh-CN": {
        "not_evaluator": "只有评议人本人可以填写这张评议表。",
        "round_closed": "本次评议已结束，不能再修改。",
        "unknown_subject": "本次评议没有这个评议对象。",
        "own_subject": "不能给自己或本单位打分。",
        "incomplete": "请给每个评议对象打分后再提交。",
    },
    "en": {
        "not_evaluator": "Only its evaluator can fill in this form.",
        "round_closed": "This evaluation has ended and can no longer change.",
        "unknown_subject": "This evaluation does not evaluate that subject.",
        "own_subject": "Nobody scores themselves or their own unit.",
        "incomplete": "Score every subject before submitting.",
    },
}

TEXTS = {
    "zh-CN": {
        "evaluation.community_unknown": "您管辖范围内没有这个社区。",
        "evaluation.round_exists": "该社区这一年度的评议正在进行中。",
        "evaluation.no_subjects": "该社区还没有报到的单位或党员。",
        "evaluation.no_evaluators": "请至少选择一位评议人。",
        "evaluation.not_committee": "两委评议人须是本社区的管理员或网格员。",
        "evaluation.not_members": "党员评议人须是到本社区报到的党员志愿者。",
        "evaluation.not_residents": "居民代表须是本社区的居民。",
        "evaluation.evaluator_twice": "同一个人只能在一个评议组中出现一次。",
        "evaluation.weights_sum": "各项权重之和须为 100。",
        "evaluation.bad_subject_key": "评议对象编号无效。",
        "evaluation.grade.excellent": "优秀",
        "evaluation.grade.competent": "合格",
        "evaluation.grade.basic": "基本合格",
        "evaluation.grade.failing": "不合格",
        "notification.evaluation_opened.title": "请参加评议：{title}",
        "notification.evaluation_opened.body": "请在手机上为各驻区单位和在职党员打分，没有网络也可以先填写。",
        "notification.evaluation_graded_excellent.title": "评议结果：优秀（{title}）",
        "notification.evaluation_graded_competent.title": "评议结果：合格（{title}）",
        "notification.evaluation_graded_basic.title": "评议结果：基本合格（{title}）",
        "notification.evaluation_graded_failing.title": "评议结果：不合格（{title}）",
        "notification.evaluation_graded_excellent.body": "感谢您一年来的服务，社区将优先推荐评优评先。",
        "notification.evaluation_graded_competent.body": "感谢您一年来参与社区服务。",
        "notification.evaluation_graded_basic.body": "请多参与社区活动和微心愿认领，明年再接再厉。",
        "notification.evaluation_graded_failing.body": "社区将与您所在单位沟通，请限期改进参与社区服务的情况。",
        "notification.evaluation_behind.title": "今年的社区服务时长偏少",
        "notification.evaluation_behind.body": (
            "您今年已服务 {hours} 小时，按全年 24 小时的进度应达到 {expected} 小时。年底将进行评议，欢迎报名"
            "社区活动、认领微心愿。"
        ),
        "notification.evaluation_behind_unit.title": "{unit} 今年的社区服务时长偏少",
        "notification.evaluation_behind_unit.body": (
            "本单位报到党员今年人均服务 {hours} 小时，按进度应达到 {expected} 小时。年底将进行评议，请组织党"
            "员参加社区活动。"
        ),
    },
    "en": {
        "evaluation.community_unknown": "No such community in your jurisdiction.",
        "evaluation.round_exists": "This community's evaluation for that year is under way.",
        "evaluation.no_subjects": "No unit or member reports to this community yet.",
        "evaluation.no_evaluators": "Choose at least one evaluator.",
        "evaluation.not_committee": "Committee evaluators are the community's admins or grid workers.",
        "evaluation.not_members": "Member evaluators are party members reporting to this community.",
        "evaluation.not_residents": "Residents' representatives are residents of this community.",
        "evaluation.evaluator_twice": "A person evaluates in one group, once.",
        "evaluation.weights_sum": "The weights add up to 100.",
        "evaluation.bad_subject_key": "Not a subject of evaluation.",
        "evaluation.grade.excellent": "Excellent",
        "evaluation.grade.competent": "Competent",
        "evaluation.grade.basic": "Basically competent",
        "evaluation.grade.failing": "Not competent",
        "notification.evaluation_opened.title": "Please take part in the evaluation: {title}",
        "notification.evaluation_opened.body": "Score each unit and member on your phone; you can fill it in offline.",
        "notification.evaluation_graded_excellent.title": "Evaluation: excellent ({title})",
        "notification.evaluation_graded_competent.title": "Evaluation: competent ({title})",
        "notification.evaluation_graded_basic.title": "Evaluation: basically competent ({title})",
        "notification.evaluation_graded_failing.title": "Evaluation: not competent ({title})",
        "notification.evaluation_graded_excellent.body": (
            "Thank you for a year of service; the community will recommend you."
        ),
        "notification.evaluation_graded_competent.body": "Thank you for serving the community this year.",
        "notification.evaluation_graded_basic.body": "Join more activities and wishes; next year can be better.",
        "notification.evaluation_graded_failing.body": (
            "The community will talk with your unit; please serve more, soon."
        ),
        "notification.evaluation_behind.title": "Your service hours this year are behind",
        "notification.evaluation_behind.body": (
            "You served {hours} h this year; the pace of 24 h a year asks {expected} h by now. The evaluation"
            " is in December: join an activity or claim a wish."
        ),
        "notification.evaluation_behind_unit.title": "{unit}'s service hours this year are behind",
        "notification.evaluation_behind_unit.body": (
            "Your unit's members served {hours} h each on average; the pace asks {expected} h by now. The evaluation"
            " is in December: bring your members to the community's activities."
        ),
    },
}


def entries(locale: str) -> dict[str, str]:
    return {
        **refusal_entries(REFUSALS[locale], "evaluation", ("evaluation_ballot",), plain=False),
        **TEXTS[locale],
    }

namespace ParkGrid.Domain.Cases;

/// <summary>Where a problem clue (问题线索 / 诉求) came from (来源).</summary>
public enum CaseChannel
{
    /// <summary>Found at a contact point visit by its supervising cadre.</summary>
    [ChineseLabel("联系点走访")] ContactPointVisit,
    [ChineseLabel("12345热线")] Hotline12345,
    /// <summary>The 12388 discipline-inspection reporting platform.</summary>
    [ChineseLabel("12388举报平台")] Report12388,
    [ChineseLabel("码上监督")] QrCode,
    /// <summary>A direct report of harassment of an enterprise (扰企监测直报, seed 002).</summary>
    [ChineseLabel("扰企监测直报")] HarassmentDirectReport,
    /// <summary>A finding of an inspection tour (巡察); gets a look-back after closure.</summary>
    [ChineseLabel("巡察发现")] InspectionTourFinding,
    /// <summary>Raised by a monitor (inspection burden, overdue subsidy).</summary>
    [ChineseLabel("自动监测")] AutomaticMonitor,
}

/// <summary>What the problem is about.</summary>
public enum CaseCategory
{
    [ChineseLabel("奖补资金兑现不及时")] SubsidyNotPaidOnTime,
    [ChineseLabel("惠企政策落实不到位")] PolicyNotImplemented,
    [ChineseLabel("多头重复检查/迎检负担重")] TooManyInspections,
    [ChineseLabel("审批慢")] SlowApproval,
    [ChineseLabel("吃拿卡要")] DemandingFavours,
    [ChineseLabel("新官不理旧账")] NewOfficialsIgnoreOldCommitments,
    [ChineseLabel("违规吃喝/收送礼金")] ImproperBanquetsOrGifts,
    [ChineseLabel("供电供气用地")] UtilitiesAndLand,
    [ChineseLabel("融资难")] Financing,
    [ChineseLabel("其他")] Other,
}

/// <summary>The case lifecycle states (see <see cref="CaseLifecycle"/> for the transition table).</summary>
public enum CaseStatus
{
    [ChineseLabel("已受理")] Received,
    [ChineseLabel("研判中")] Verifying,
    /// <summary>Closed: the clue was not substantiated; an accused cadre gets a clarification record (澄清正名).</summary>
    [ChineseLabel("不属实(澄清正名)")] Unfounded,
    [ChineseLabel("基本属实")] Substantiated,
    [ChineseLabel("已交办")] Assigned,
    [ChineseLabel("整改中")] Rectifying,
    [ChineseLabel("整改已报告")] RectificationReported,
    [ChineseLabel("待回访")] FollowUpDue,
    /// <summary>Closed after a satisfactory follow-up; can be reopened by a look-back (整改回头看) finding a recurrence.</summary>
    [ChineseLabel("已办结")] Resolved,
    [ChineseLabel("重新办理")] Reopened,
}

/// <summary>What can be done to a case. Some actions change the status; the others (pause, escalation …) leave it
/// and are still recorded in the history.</summary>
public enum CaseAction
{
    [ChineseLabel("受理")] Receive,
    [ChineseLabel("开始研判")] StartVerification,
    [ChineseLabel("认定不属实")] MarkUnfounded,
    [ChineseLabel("认定基本属实")] Substantiate,
    [ChineseLabel("交办")] Assign,
    [ChineseLabel("开始整改")] StartRectification,
    [ChineseLabel("报告整改")] ReportRectification,
    [ChineseLabel("到期回访")] MarkFollowUpDue,
    [ChineseLabel("办结")] Resolve,
    [ChineseLabel("重新办理")] Reopen,
    [ChineseLabel("暂停计时")] PauseClock,
    [ChineseLabel("恢复计时")] ResumeClock,
    [ChineseLabel("督办升级")] Escalate,
    [ChineseLabel("认定容错")] DeclareGoodFaith,
    [ChineseLabel("回头看通过")] PassLookBack,
}

/// <summary>The kinds of SLA clock a case runs.</summary>
public enum SlaKind
{
    /// <summary>From receipt to the start of verification (the response of the 三率): policy ackWithin.</summary>
    [ChineseLabel("响应时限")] Acknowledge,
    /// <summary>From the start of verification to the finding (unfounded / substantiated): policy verifyWithin.</summary>
    [ChineseLabel("研判时限")] Verify,
    /// <summary>From assignment (or reopening into rectification) to the rectification report: policy rectifyWithin[category].</summary>
    [ChineseLabel("整改时限")] Rectify,
}

using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Kpis;
using ParkGrid.Domain.Monitors;
using ParkGrid.Domain.Policies;
using ParkGrid.Runtime;

namespace ParkGrid.Grains;

// Call directions (no cycles: see docs/grains.md). A case reports its changes to park, enterprise, departments,
// district and tour in a turn of its own after the command (a durable outbox), so any grain may call a case command
// without risking a call cycle. Parks never call anyone; districts call only parks and departments.

/// <summary>
/// A district (区 / 纪委监委), key e.g. "xiangan": the policy in force (named, versioned), supervisors, its parks,
/// departments and tours, the register of escalations and clarifications, and the KPI roll-up of its parks.
/// </summary>
public interface IDistrictGrain : IGrainWithStringKey
{
    /// <summary>Sets name and supervisors; with a policy, makes it the policy in force (as <see cref="SetPolicy"/>).</summary>
    Task<DistrictSnapshot> Configure(DistrictSetup setup);

    /// <summary>Puts a policy in force: validated, versioned (previous version + 1) and kept in the history. Clocks that
    /// are already running keep their deadlines; clocks started from now on use it.</summary>
    Task<Policy> SetPolicy(Policy policy, string actor);

    /// <summary>The policy in force (the default baseline until one is set).</summary>
    [ReadOnly] Task<Policy> GetPolicy();

    /// <summary>Adds a park to the district and configures it (the park learns its district).</summary>
    Task<ParkInfo> AddPark(string parkId, string name);

    /// <summary>Adds a department (职能部门) and configures it.</summary>
    Task AddDepartment(string departmentId, string name);

    /// <summary>Lists an inspection tour under the district (called by the tour).</summary>
    Task RegisterTour(string tourId);

    /// <summary>A case's change: the district registers new escalation steps and clarifications.</summary>
    Task OnCaseReport(CaseReport report);

    [ReadOnly] Task<DistrictSnapshot> GetSnapshot();
    [ReadOnly] Task<IReadOnlyList<string>> ListParks();
    [ReadOnly] Task<IReadOnlyList<string>> ListDepartments();

    /// <summary>The most recent escalation steps (newest last, at most 200).</summary>
    [ReadOnly] Task<IReadOnlyList<EscalationNotice>> ListEscalations();

    [ReadOnly] Task<IReadOnlyList<ClarificationNotice>> ListClarifications();

    /// <summary>The combined tally of its parks: exactly the tally of the union of their records.</summary>
    [ReadOnly] Task<KpiTally> GetKpiTally();

    /// <summary>The district's KPIs from <see cref="GetKpiTally"/> (never an average of the parks' rates).</summary>
    [ReadOnly] Task<KpiReport> GetKpis();
}

/// <summary>
/// An industrial park (产业园区), key e.g. "xiangan-digital": its enterprises and contact points, its open cases by
/// status and category, and its KPIs, kept as a running tally updated by case and enterprise reports.
/// </summary>
public interface IParkGrain : IGrainWithStringKey
{
    /// <summary>Called by the district when the park is added.</summary>
    Task<ParkInfo> Configure(string districtId, string name);

    [ReadOnly] Task<ParkInfo> GetInfo();

    /// <summary>Called by an enterprise when it registers; returns the park (and so the district) it joined.</summary>
    Task<ParkInfo> AddEnterprise(ParkEnterprise enterprise);

    /// <summary>Called by a contact point when it is set up.</summary>
    Task AddContactPoint(ParkContactPoint contactPoint);

    Task OnCaseReport(CaseReport report);
    Task OnEnterpriseReport(EnterpriseReport report);
    Task OnContactPointReport(ContactPointReport report);

    [ReadOnly] Task<ParkSnapshot> GetSnapshot();
    [ReadOnly] Task<IReadOnlyList<ParkEnterprise>> ListEnterprises();
    [ReadOnly] Task<IReadOnlyList<ParkContactPoint>> ListContactPoints();

    /// <summary>Open cases matching the filter, oldest first.</summary>
    [ReadOnly] Task<IReadOnlyList<CaseSummary>> ListOpenCases(CaseFilter filter);

    /// <summary>Cases in FollowUpDue at the enterprises a contact point covers (what its next visit must follow up).</summary>
    [ReadOnly] Task<IReadOnlyList<CaseSummary>> FollowUpsDue(string contactPointId);

    /// <summary>The park's KPI tally judged now: cases, inspections, subsidies, supervisor visits.</summary>
    [ReadOnly] Task<KpiTally> GetKpiTally();

    [ReadOnly] Task<KpiReport> GetKpis();
}

/// <summary>
/// An enterprise (企业), key e.g. "xa-0001": profile, contact point, latent problems, inspections received (the
/// inspection-burden monitor), subsidies owed (the overdue-subsidy monitor, on a reminder), its cases and satisfaction.
/// </summary>
public interface IEnterpriseGrain : IGrainWithStringKey, IRemindable
{
    Task<EnterpriseSnapshot> Register(EnterpriseProfile profile);

    /// <summary>Called by a contact point that covers the enterprise.</summary>
    Task AssignContactPoint(string contactPointId);

    /// <summary>A problem the enterprise has: filed now when it comes through a channel, otherwise latent until a visit.</summary>
    Task<ProblemOutcome> ReportProblem(ProblemReport problem);

    /// <summary>A contact point's visit: surfaces latent problems as cases and gives follow-up verdicts.</summary>
    Task<VisitOutcome> Visit(VisitRequest visit);

    /// <summary>A look-back (整改回头看) asks whether the problem of a closed case recurred (a latent problem of its category).</summary>
    Task<LookBackVerdict> CheckRecurrence(string caseId, CaseCategory category);

    /// <summary>A department inspected the enterprise; raises one "too many inspections" case when the quarter's visits exceed the threshold.</summary>
    Task<InspectionOutcome> RecordInspection(Inspection inspection);

    Task<SubsidyView> PromiseSubsidy(SubsidyInput subsidy);
    Task<SubsidyView> PaySubsidy(string subsidyId);

    /// <summary>The scores the enterprise gives at follow-ups (solved / not solved), 0–100.</summary>
    Task SetSatisfaction(int satisfiedScore, int unsatisfiedScore);

    Task OnCaseReport(CaseReport report);

    [ReadOnly] Task<EnterpriseSnapshot> GetSnapshot();
}

/// <summary>
/// A contact point (营商环境监督联系点), key e.g. "xa-cp-01": host enterprise, liaison, supervising cadre, covered
/// enterprises. One durable reminder per contact point drives its visit rounds every visitCadence; visits surface
/// problems and carry out follow-ups (回访).
/// </summary>
public interface IContactPointGrain : IGrainWithStringKey, IRemindable
{
    Task<ContactPointSnapshot> Configure(ContactPointSetup setup);

    /// <summary>Runs a round of visits now (outside the cadence; the schedule is unchanged).</summary>
    Task<VisitRound> VisitNow();

    [ReadOnly] Task<ContactPointSnapshot> GetSnapshot();
}

/// <summary>
/// A department (职能部门), key e.g. "ecology": its assignments (交办), rectification on-time rate, escalations
/// received and 三评 rating, and its inspection plan (executed by a reminder).
/// </summary>
public interface IDepartmentGrain : IGrainWithStringKey, IRemindable
{
    /// <summary>Called by the district when the department is added.</summary>
    Task Configure(string districtId, string name);

    /// <summary>Adds inspections to the plan; each is carried out at the enterprise on its day.</summary>
    Task<DepartmentSnapshot> PlanInspections(IReadOnlyList<PlannedInspection> plan);

    Task OnCaseReport(CaseReport report);

    [ReadOnly] Task<DepartmentSnapshot> GetSnapshot();

    /// <summary>Open cases assigned to the department, optionally of one status.</summary>
    [ReadOnly] Task<IReadOnlyList<CaseSummary>> ListAssignments(CaseStatus? status);
}

/// <summary>
/// A case (问题线索 / 诉求), key = the case id (e.g. "xa-2025-0001"): the lifecycle of DESIGN.md with its SLA clocks in
/// Chinese working days, its escalation ladder (a durable reminder), and an append-only history. An illegal action is
/// refused with a <see cref="CaseRuleException"/> naming the status and the action, and nothing changes.
/// </summary>
public interface ICaseGrain : IGrainWithStringKey, IRemindable
{
    /// <summary>Receives the clue: status Received, acknowledgment clock started. Repeating the same clue is harmless.</summary>
    Task<CaseSnapshot> Receive(FileCase clue);

    Task<CaseSnapshot> StartVerification(string actor);

    /// <summary>Closes the case as unfounded; a clue against a cadre needs the clarification record (澄清正名).</summary>
    Task<CaseSnapshot> MarkUnfounded(string actor, string? finding, ClarificationRecord? clarification);

    Task<CaseSnapshot> Substantiate(string actor, string? finding);
    Task<CaseSnapshot> Assign(string actor, string departmentId);
    Task<CaseSnapshot> StartRectification(string actor);
    Task<CaseSnapshot> ReportRectification(string actor, string? report);

    /// <summary>Normally done by the case itself on its follow-up day.</summary>
    Task<CaseSnapshot> MarkFollowUpDue(string actor);

    Task<CaseSnapshot> Resolve(string actor, int satisfactionScore, string? note);
    Task<CaseSnapshot> Reopen(string actor, string reason, int? satisfactionScore);

    /// <summary>Normally done by the case itself at its look-back.</summary>
    Task<CaseSnapshot> PassLookBack(string actor, string? note);

    Task<CaseSnapshot> PauseClock(string actor, string reason);
    Task<CaseSnapshot> ResumeClock(string actor);

    /// <summary>Fault tolerance (容错纠错): with it, escalation stops at step 1 if the error is corrected within the grace period.</summary>
    Task<CaseSnapshot> DeclareGoodFaith(string actor, string reason);

    [ReadOnly] Task<CaseSnapshot> GetSnapshot();

    /// <summary>The reporter's contact details (null if anonymous). Only supervisors may see them.</summary>
    [ReadOnly] Task<string?> GetReporterContact();
}

/// <summary>
/// An inspection tour (巡察), key e.g. "xxt-2025-2": its target (a park or a department), its findings (cases) and
/// their look-back dates. The look-back itself is run by each finding's case on its day.
/// </summary>
public interface IInspectionTourGrain : IGrainWithStringKey
{
    Task<TourSnapshot> Configure(TourSetup setup);

    /// <summary>Files a finding as a case; returns the case id.</summary>
    Task<string> AddFinding(FindingInput finding);

    Task OnCaseReport(CaseReport report);

    [ReadOnly] Task<TourSnapshot> GetSnapshot();
}

/// <summary>
/// What exists at the top: the districts (each lists its parks and departments), so a client can list
/// everything without scanning storage. One grain, key "root". It never calls anyone.
/// </summary>
public interface IRegistryGrain : IGrainWithStringKey
{
    Task AddDistrict(string districtId);

    [ReadOnly] Task<IReadOnlyList<string>> ListDistricts();
}

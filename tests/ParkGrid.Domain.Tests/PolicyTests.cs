using NodaTime;
using ParkGrid.Domain.Cases;
using ParkGrid.Domain.Policies;
using ParkGrid.Domain.Sla;

namespace ParkGrid.Domain.Tests;

public class PolicyTests
{
    [Fact]
    public void The_default_policy_is_valid_and_has_the_seed_figures()
    {
        var p = Policy.Default;
        Assert.Empty(p.Validate());
        Assert.Same(p, p.EnsureValid());
        Assert.Equal(Period.FromMonths(3), p.LookBackAfter);   // seed 001: 三个月后巡察整改回头看
        Assert.Equal(117, p.Supervisors);                      // seed 002: 117名廉情监督员
        Assert.Equal(Period.FromMonths(1), p.VisitCadence);    // seed 004: 每个月都会进企业
        Assert.True(p.FaultTolerance);
        Assert.False(p.JointInspection);
    }

    [Fact]
    public void Rectification_time_is_per_category_with_a_default()
    {
        var p = Policy.Default.WithRectifyWithin(CaseCategory.Financing, 7);
        Assert.Equal(7, p.RectifyWithinFor(CaseCategory.Financing));
        Assert.Equal(p.RectifyWithinDefault, p.RectifyWithinFor(CaseCategory.Other));
        Assert.Equal(p.AckWithin, p.WorkingDaysFor(SlaKind.Acknowledge, CaseCategory.Financing));
        Assert.Equal(7, p.WorkingDaysFor(SlaKind.Rectify, CaseCategory.Financing));
        Assert.Equal(Policy.DefaultRectifyWithin[CaseCategory.Financing], Policy.Default.RectifyWithinFor(CaseCategory.Financing)); // original unchanged
    }

    [Fact]
    public void Invalid_values_are_reported_by_field()
    {
        var bad = Policy.Default with
        {
            Name = " ",
            Version = 0,
            AckWithin = 0,
            EscalationStep = -1,
            ContactPointCoverage = 1.5,
            JointInspectionWindow = Period.FromHours(3),
            VisitCadence = Period.Zero,
            LookBackAfter = Period.FromMonths(-3),
            RectifyWithin = Policy.DefaultRectifyWithin.SetItem(CaseCategory.SlowApproval, 0),
        };
        var fields = bad.Validate().Select(e => e.Field).ToArray();
        Assert.Equal(
            ["name", "version", "visitCadence", "ackWithin", "rectifyWithin.SlowApproval", "escalationStep", "jointInspectionWindow", "contactPointCoverage", "lookBackAfter"],
            fields);
        var e = Assert.Throws<PolicyValidationException>(() => bad.EnsureValid());
        Assert.Contains("ackWithin: 0 is out of range", e.Message);
        Assert.Contains("jointInspectionWindow: PT3H has a time part", e.Message);
        Assert.Equal(9, e.Errors.Count);
    }

    [Fact]
    public void With_overrides_change_only_what_is_named()
    {
        var joint = Policy.Default with { Name = "joint", JointInspection = true, Version = 2 };
        Assert.True(joint.JointInspection);
        Assert.Equal(Policy.Default.EscalationStep, joint.EscalationStep);
        Assert.NotEqual(Policy.Default, joint);
        Assert.Equal(Policy.Default with { }, Policy.Default);
    }

    [Fact]
    public void Text_overrides_as_in_scenario_files()
    {
        var p = Policy.Default.WithOverrides(new Dictionary<string, string>
        {
            ["name"] = "biweekly-visits",
            ["visitCadence"] = "P14D",
            ["jointInspection"] = "true",
            ["escalationStep"] = "3",
            ["rectifyWithin.SubsidyNotPaidOnTime"] = "5",
            ["contactPointCoverage"] = "0.5",
        });
        Assert.Equal("biweekly-visits", p.Name);
        Assert.Equal(Period.FromDays(14), p.VisitCadence);
        Assert.True(p.JointInspection);
        Assert.Equal(3, p.EscalationStep);
        Assert.Equal(5, p.RectifyWithinFor(CaseCategory.SubsidyNotPaidOnTime));
        Assert.Equal(0.5, p.ContactPointCoverage);

        var e = Assert.Throws<PolicyValidationException>(() => Policy.Default.WithOverrides(new Dictionary<string, string>
        {
            ["escalationStpe"] = "3",
            ["ackWithin"] = "soon",
            ["rectifyWithin.Bribery"] = "3",
        }));
        Assert.Equal(["escalationStpe", "ackWithin", "rectifyWithin.Bribery"], e.Errors.Select(x => x.Field));
        Assert.Throws<PolicyValidationException>(() => Policy.Default.WithOverrides([new("subsidyGrace", "-4")]));
    }
}

using System.Net;
using System.Text;
using ParkGrid.Client;
using ParkGrid.Domain;
using ParkGrid.Grains;
using ParkGrid.Runtime;

namespace ParkGrid.Cluster.Tests;

/// <summary>How a failed call's problem details become an exception again, on a client or on a forwarding silo.</summary>
public class GrainHttpTests
{
    private static readonly GrainMethod Method = GrainProxies.GetMethods(typeof(ICaseGrain)).First(m => m.Name == "Resolve");

    private static Task<Exception> ErrorAsync(HttpStatusCode status, string json) =>
        GrainHttp.ErrorFromAsync(new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/problem+json") },
            new GrainId("case", "p:case-1"), Method);

    [Fact]
    public async Task A_type_this_process_lacks_becomes_its_nearest_loaded_base_type()
    {
        var error = await ErrorAsync(HttpStatusCode.Conflict,
            """{"detail":"Received cannot Resolve","exceptionType":"Some.Other.CaseRuleException","exceptionBaseTypes":["ParkGrid.Domain.DomainRuleException"]}""");
        Assert.Equal("Received cannot Resolve", Assert.IsType<DomainRuleException>(error).Message);
    }

    [Fact]
    public async Task Arguments_keep_their_name_and_lost_silos_stay_lost()
    {
        var argument = Assert.IsType<ArgumentException>(await ErrorAsync(HttpStatusCode.BadRequest,
            """{"detail":"score must be 1 to 5","field":"satisfactionScore","exceptionType":"System.ArgumentOutOfRangeException"}"""));
        Assert.Equal("satisfactionScore", argument.ParamName);
        // A silo that forwarded the call to one that died: the caller must not take it as refused, it may have happened.
        Assert.IsType<SiloUnavailableException>(await ErrorAsync(HttpStatusCode.BadGateway,
            """{"detail":"s2 stopped answering","exceptionType":"ParkGrid.Client.SiloUnavailableException"}"""));
    }

    [Fact]
    public async Task What_cannot_be_recreated_keeps_its_type_name_and_status()
    {
        var unknown = Assert.IsType<GrainCallException>(await ErrorAsync(HttpStatusCode.InternalServerError,
            """{"detail":"boom","exceptionType":"Vendor.BoomException","exceptionBaseTypes":[]}"""));
        Assert.Equal(("Vendor.BoomException", 500, "boom"), (unknown.ExceptionType, unknown.Status, unknown.Message));
        var notJson = Assert.IsType<GrainCallException>(await ErrorAsync(HttpStatusCode.BadGateway, "<html>proxy error</html>"));
        Assert.Equal(502, notJson.Status);
    }
}

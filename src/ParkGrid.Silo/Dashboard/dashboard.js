// ParkGrid dashboard: plain JavaScript, no build step. Reads the gateway's JSON, follows the event stream,
// and refreshes the runtime panel every two seconds (which also keeps the silo's call profiling on).
"use strict";

const ZH = {
  Received: "受理", Verifying: "研判", Unfounded: "不属实", Substantiated: "基本属实", Assigned: "交办", Rectifying: "整改",
  RectificationReported: "整改已报", FollowUpDue: "待回访", Resolved: "办结", Reopened: "重新办理",
  SubsidyNotPaidOnTime: "奖补资金兑现不及时", PolicyNotImplemented: "惠企政策落实不到位", TooManyInspections: "多头重复检查",
  SlowApproval: "审批慢", DemandingFavours: "吃拿卡要", NewOfficialsIgnoreOldCommitments: "新官不理旧账",
  ImproperBanquetsOrGifts: "违规吃喝/收送礼金", UtilitiesAndLand: "供电供气用地", Financing: "融资难", Other: "其他",
  ReminderLetter: "提醒函", SupervisionNotice: "督办书", Interview: "约谈", AccountabilityReferral: "问责",
  Excellent: "优秀", Qualified: "合格", Unqualified: "不合格", NotRated: "未评",
  Hotline12345: "12345热线", Report12388: "12388", QrCode: "码上监督", ContactPointVisit: "联系点走访",
  HarassmentDirectReport: "扰企监测直报", InspectionTourFinding: "巡察发现", AutomaticMonitor: "自动监测",
};
const zh = v => (v != null && ZH[v]) ? `${v} <span class="zh">${ZH[v]}</span>` : (v ?? "—");
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const pct = v => v == null ? "—" : `${(v * 100).toFixed(1)}%`;
const num = v => v == null ? "—" : Number(v).toLocaleString("en-US", { maximumFractionDigits: 1 });
const shanghai = iso => iso ? new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }) : "—";
const getJson = async url => { const r = await fetch(url); if (!r.ok) throw new Error(`${url}: ${r.status}`); return r.json(); };
const $ = sel => document.querySelector(sel);
const setTile = (attr, name, text) => { const b = document.querySelector(`[${attr}="${name}"] b`); if (b) b.textContent = text; };

// ---- Sortable tables: click a header; the choice survives refreshes ----------------------------------
const sortState = {};
function renderTable(id, rows, cells, onClick) {
  const table = document.getElementById(id);
  const state = sortState[id];
  if (state) {
    rows = [...rows].sort((a, b) => {
      const x = a[state.key], y = b[state.key];
      const c = (typeof x === "number" && typeof y === "number") ? x - y : String(x ?? "").localeCompare(String(y ?? ""));
      return state.asc ? c : -c;
    });
  }
  table.tBodies[0].innerHTML = rows.map(r => `<tr${onClick ? ` class="clickable" data-id="${esc(onClick.id(r))}"` : ""}>${cells(r)}</tr>`).join("");
  if (onClick) table.tBodies[0].querySelectorAll("tr").forEach(tr => tr.onclick = () => onClick.open(tr.dataset.id));
  table.tHead.querySelectorAll("th").forEach(th => th.className = th.className.replace(/ ?sorted-(asc|desc)/, "")
    + (state && th.dataset.key === state.key ? ` sorted-${state.asc ? "asc" : "desc"}` : ""));
}
document.querySelectorAll("table.sortable").forEach(table => table.tHead.querySelectorAll("th").forEach(th => th.onclick = () => {
  const s = sortState[table.id];
  sortState[table.id] = { key: th.dataset.key, asc: s && s.key === th.dataset.key ? !s.asc : true };
  refreshDomain(); refreshRuntime();
}));

// ---- Domain -------------------------------------------------------------------------------------------
let districtId = null;
async function refreshDomain() {
  try {
    const districts = await getJson("/api/districts");
    if (districts.length) {
      districtId ??= districts[0].id;
      const d = districts.find(x => x.id === districtId) ?? districts[0];
      $("#district-name").textContent = `${d.name} · policy ${d.policy?.name ?? ""} v${d.policy?.version ?? ""}`;
      const k = await getJson(`/api/districts/${encodeURIComponent(d.id)}/kpis`);
      setTile("data-kpi", "open-cases", num(k.openCases));
      setTile("data-kpi", "overdue-cases", num(k.openOverdueCases));
      setTile("data-kpi", "response-rate", pct(k.responseRate));
      setTile("data-kpi", "resolution-rate", pct(k.resolutionRate));
      setTile("data-kpi", "satisfaction-rate", pct(k.satisfactionRate));
      const e = k.escalations ?? {};
      setTile("data-kpi", "escalations", num((e.reminderLetters ?? 0) + (e.supervisionNotices ?? 0) + (e.interviews ?? 0) + (e.accountabilityReferrals ?? 0)));
      $("#escalation-steps").textContent = `提醒函 ${e.reminderLetters ?? 0} · 督办书 ${e.supervisionNotices ?? 0} · 约谈 ${e.interviews ?? 0} · 问责 ${e.accountabilityReferrals ?? 0}`;
      setTile("data-kpi", "satisfaction", num(k.enterpriseSatisfaction));
      setTile("data-kpi", "clean-park", num(k.cleanPark?.score));
      const dims = k.cleanPark?.dimensions ?? {};
      $("#clean-park-dimensions").textContent = `政治清明 ${num(dims.PoliticalClarity)} · 权责清晰 ${num(dims.ClearResponsibilities)} · 政商亲清 ${num(dims.CordialAndCleanRelations)} · 队伍清正 ${num(dims.UprightCadres)}`;
      const depts = Object.values(k.departments ?? {}).map(x => ({ ...x, escalations: Object.values(x.escalations ?? {}).reduce((a, b) => a + b, 0) }));
      renderTable("departments", depts, r => `<td>${esc(r.departmentId)}</td><td class="num">${num(r.cases)}</td><td class="num">${pct(r.rectifyOnTimeRate)}</td><td class="num">${pct(r.satisfactionRate)}</td><td class="num">${num(r.escalations)}</td><td class="rating-${r.rating}">${zh(r.rating)}</td>`);
    }
    const parks = await getJson("/api/parks");
    renderTable("parks", parks, p => `<td>${esc(p.name)}</td><td class="num">${num(p.enterprises)}</td><td class="num">${num(p.contactPoints)}</td><td class="num">${num(p.openCases)}</td><td class="num${p.overdueCases ? " overdue" : ""}">${num(p.overdueCases)}</td><td class="num">${num(p.casesTotal)}</td>`,
      { id: p => p.id, open: openPark });
    const cases = await getJson(`/api/cases?limit=300${$("#overdue-only").checked ? "&overdue=true" : ""}`);
    renderTable("cases", cases, c => `<td>${esc(c.caseId)}</td><td>${esc(c.parkId)}</td><td>${zh(c.category)}</td><td>${zh(c.status)}</td><td>${esc(c.departmentId ?? "—")}</td><td class="${c.overdue ? "overdue" : ""}">${esc(c.deadlineDate ?? "—")}</td><td>${zh(c.escalationLevel)}</td><td>${shanghai(c.receivedAt)}</td>`,
      { id: c => c.caseId, open: openCase });
  } catch (e) { console.warn("domain refresh", e); }
}
$("#overdue-only").onchange = refreshDomain;

let refreshPending = null;
const refreshSoon = () => { refreshPending ??= setTimeout(() => { refreshPending = null; refreshDomain(); }, 500); };

// ---- Live feed (server-sent events) -------------------------------------------------------------------
function addFeed(e) {
  const li = document.createElement("li");
  li.innerHTML = `<time>${shanghai(e.at)}</time><a href="#" data-case="${esc(e.case.caseId)}">${esc(e.case.caseId)}</a> ${esc(e.action)}: ${e.from ? zh(e.from) + " → " : ""}${zh(e.to)} <span class="muted">by ${esc(e.actor)}</span>`;
  li.querySelector("a").onclick = ev => { ev.preventDefault(); openCase(e.case.caseId); };
  const feed = $("#feed");
  feed.prepend(li);
  while (feed.children.length > 100) feed.lastChild.remove();
}
function connectEvents() {
  const source = new EventSource("/api/events");
  source.addEventListener("connected", () => { const c = $("#connection"); c.textContent = "live 实时"; c.className = "pill on"; });
  source.addEventListener("case", m => { addFeed(JSON.parse(m.data)); refreshSoon(); });
  source.onerror = () => { const c = $("#connection"); c.textContent = "reconnecting… 重连中"; c.className = "pill off"; };
}

// ---- Drill-down ---------------------------------------------------------------------------------------
function showDrill(html) { $("#drill-body").innerHTML = html; $("#drill").hidden = false; }
$("#drill-close").onclick = () => $("#drill").hidden = true;
async function openPark(id) {
  const [{ park, kpis }, enterprises, cases] = await Promise.all([getJson(`/api/parks/${encodeURIComponent(id)}`),
    getJson(`/api/parks/${encodeURIComponent(id)}/enterprises`), getJson(`/api/cases?park=${encodeURIComponent(id)}&limit=500`)]);
  showDrill(`<h2 id="drill-title">${esc(park.name)}</h2>
    <p>${num(park.enterprises)} enterprises 企业 · ${num(park.openCases)} open 在办 · ${num(park.overdueCases)} overdue 超期 · resolution 办结率 ${pct(kpis.resolutionRate)} · satisfaction 满意率 ${pct(kpis.satisfactionRate)}</p>
    <h3>Open cases 在办线索</h3>
    <table id="park-cases"><thead><tr><th>Case</th><th>Enterprise</th><th>Category</th><th>Status</th><th>Deadline</th></tr></thead><tbody>
    ${cases.map(c => `<tr class="clickable" data-id="${esc(c.caseId)}"><td>${esc(c.caseId)}</td><td>${esc(c.enterpriseId)}</td><td>${zh(c.category)}</td><td>${zh(c.status)}</td><td class="${c.overdue ? "overdue" : ""}">${esc(c.deadlineDate ?? "—")}</td></tr>`).join("")}
    </tbody></table>
    <h3>Enterprises 企业</h3>
    <table><thead><tr><th>Enterprise</th><th>Name</th><th>规上</th><th>Contact point</th></tr></thead><tbody>
    ${enterprises.map(e => `<tr><td>${esc(e.enterpriseId)}</td><td>${esc(e.name)}</td><td>${e.aboveDesignatedSize ? "✓" : ""}</td><td>${esc(e.contactPointId ?? "—")}</td></tr>`).join("")}
    </tbody></table>`);
  document.querySelectorAll("#park-cases tr.clickable").forEach(tr => tr.onclick = () => openCase(tr.dataset.id));
}
async function openCase(id) {
  const c = await getJson(`/api/cases/${encodeURIComponent(id)}`);
  const r = c.record;
  showDrill(`<h2 id="drill-title">Case 线索 ${esc(r.id)}</h2>
    <p>${zh(r.category)} · ${zh(r.channel)} · status 状态 <b>${zh(r.status)}</b>${c.overdue ? ' · <span class="overdue">overdue 超期</span>' : ""}</p>
    <p>Enterprise 企业 ${esc(r.enterpriseId)} · park 园区 ${esc(r.parkId)} · department 部门 ${esc(r.departmentId ?? "—")}</p>
    <h3>Escalations 督办升级</h3>
    <ul>${(r.escalations ?? []).map(e => `<li>${zh(e.step)} — due ${esc(e.dueDay)} (${esc(e.departmentId ?? "")})</li>`).join("") || "<li class=muted>none</li>"}</ul>
    <h3>History 处理记录</h3>
    <ol class="history" id="case-history">${(r.history ?? []).map(h => `<li><time>${shanghai(h.at)}</time> <b>${esc(h.action)}</b> ${h.from ? zh(h.from) + " → " : ""}${zh(h.to)} <span class="muted">by ${esc(h.actor)}${h.detail ? " · " + esc(h.detail) : ""}</span></li>`).join("")}</ol>`);
}

// ---- Runtime ------------------------------------------------------------------------------------------
let previous = null;
async function refreshRuntime() {
  try {
    const [s, health] = await Promise.all([getJson("/api/runtime/statistics"), getJson("/health")]);
    $("#clock").textContent = shanghai(health.clock);
    const now = performance.now();
    const prevCalls = new Map((previous?.stats.methods ?? []).map(m => [`${m.grainType}.${m.method}`, m.calls]));
    const seconds = previous ? (now - previous.at) / 1000 : null;
    const methods = s.methods.map(m => ({ ...m, rate: seconds ? (m.calls - (prevCalls.get(`${m.grainType}.${m.method}`) ?? 0)) / seconds : null }));
    const totalRate = seconds ? methods.reduce((a, m) => a + (m.rate ?? 0), 0) : null;
    const busiest = [...methods].sort((a, b) => b.calls - a.calls)[0];
    setTile("data-stat", "activations", num(Object.values(s.activationsByType).reduce((a, b) => a + b, 0)));
    setTile("data-stat", "calls-per-second", totalRate == null ? "…" : num(totalRate));
    const slowest = [...methods].sort((a, b) => b.p99Microseconds - a.p99Microseconds)[0];
    setTile("data-stat", "p50", busiest ? `${num(busiest.p50Microseconds)} µs` : "—");
    setTile("data-stat", "p99", slowest ? `${num(slowest.p99Microseconds)} µs` : "—");
    $("#p50-method").textContent = busiest ? `${busiest.grainType}.${busiest.method}` : "";
    $("#p99-method").textContent = slowest ? `${slowest.grainType}.${slowest.method}` : "";
    setTile("data-stat", "errors", num(methods.reduce((a, m) => a + m.failures, 0)));
    setTile("data-stat", "reminders-due", num(s.remindersDue));
    setTile("data-stat", "reminders-fired", num(s.remindersFired));
    // In a cluster every figure here is this silo's own: say which silo and what share of the partitions it serves.
    $("#silo").textContent = health.cluster
      ? `· silo ${health.cluster.silo} of cluster ${health.cluster.name}: ${health.cluster.partitionsServed} of ${health.cluster.partitions} partitions`
      : "";
    $("#profiling").textContent = s.latencyProfiling ? "latency profiling on (while this page is open)" : "latency profiling off";
    renderTable("activations", Object.entries(s.activationsByType).map(([type, count]) => ({ type, count })), r => `<td>${esc(r.type)}</td><td class="num">${num(r.count)}</td>`);
    renderTable("methods", methods, m => `<td>${esc(m.grainType)}</td><td>${esc(m.method)}</td><td class="num">${num(m.calls)}</td><td class="num">${m.rate == null ? "…" : num(m.rate)}</td><td class="num">${num(m.failures)}</td><td class="num">${num(m.p50Microseconds)}</td><td class="num">${num(m.p99Microseconds)}</td>`);
    previous = { at: now, stats: s };
  } catch (e) { console.warn("runtime refresh", e); }
}

connectEvents();
refreshDomain();
refreshRuntime();
setInterval(refreshRuntime, 2000);
setInterval(refreshDomain, 10000);

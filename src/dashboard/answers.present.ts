import type { competences, emergingNeeds } from './answers.service';
import { count, dec, decimal, explain, pct, table, text, tn, type Fmt, type Kpi, type Section } from './dashboard.present';
import { competenceTitle } from './session.present';

type CompetencesData = Extract<Awaited<ReturnType<typeof competences>>, { tooFew: false }>;

export function presentCompetences(f: Fmt, d: CompetencesData) {
  const t = f.t;
  const rows = d.rows.map((r) => [
    text(r.code),
    text(competenceTitle(r.code)),
    count(f, r.sessions, 0),
    count(f, r.n),
    decimal(f, r.averageOfGains),
    decimal(f, r.effect?.g ?? null),
    text(r.effect?.ciLow == null ? '—' : `[${dec(f, r.effect.ciLow)} ; ${dec(f, r.effect.ciHigh)}]`),
    decimal(f, r.borich),
  ]);
  const top = d.ranking[0];
  const sections: Section[] = [
    {
      id: 'coverage',
      heading: t('dashboard.coverage_heading'),
      intro: t('dashboard.coverage_intro'),
      explain: explain(f, 'hake', 'dz', 'ci'),
      chart: {
        id: 'coverage',
        type: 'bar',
        labels: d.rows.map((r) => r.code),
        // Sessions (a count) on the left axis, gains (0 to 1) on the right one.
        datasets: [{ label: t('dashboard.col_sessions'), data: d.rows.map((r) => r.sessions) }, { label: t('dashboard.col_avg_gain'), data: d.rows.map((r) => r.averageOfGains), axis: 'y2' }],
        yTitle: t('dashboard.col_sessions'),
        y2Title: t('dashboard.col_avg_gain'),
        summary: t('dashboard.coverage_summary', { covered: d.rows.filter((r) => r.sessions > 0).length, total: d.rows.length }),
      },
      table: table(f, 'competences', t('dashboard.coverage_heading'), [t('dashboard.col_code'), t('dashboard.col_competence'), t('dashboard.col_sessions'), t('dashboard.col_n'), t('dashboard.col_avg_gain'), t('dashboard.col_effect'), t('dashboard.col_ci'), t('dashboard.col_borich')], rows),
    },
    {
      id: 'borich',
      heading: t('dashboard.borich_heading'),
      intro: t('dashboard.borich_intro'),
      explain: explain(f, 'borich'),
      chart: d.ranking.length ? { id: 'borich', type: 'bar', labels: d.ranking.map((r) => r.code), datasets: [{ label: t('dashboard.col_borich'), data: d.ranking.map((r) => r.borich) }], summary: t('dashboard.borich_summary', { code: top!.code, title: competenceTitle(top!.code) }) } : undefined,
      table: table(f, 'borich', t('dashboard.borich_heading'), [t('dashboard.col_rank'), t('dashboard.col_code'), t('dashboard.col_competence'), t('dashboard.col_borich'), t('dashboard.col_people')], d.ranking.map((r, i) => [count(f, i + 1, 0), text(r.code), text(competenceTitle(r.code)), decimal(f, r.borich), count(f, r.borichPeople)])),
      empty: d.ranking.length ? undefined : t('dashboard.borich_none'),
    },
    {
      id: 'targets',
      heading: t('dashboard.targets_heading'),
      table: table(f, 'targets', t('dashboard.targets_heading'), [t('dashboard.col_code'), t('dashboard.col_job_family'), t('dashboard.col_target')], d.targets.map((x) => [text(x.competence), text(x.jobFamily), count(f, x.level, 0)])),
      empty: d.targets.length ? undefined : t('dashboard.none'),
    },
  ];
  return { kpis: [] as Kpi[], sections };
}

type NeedsData = Awaited<ReturnType<typeof emergingNeeds>>;

/** A need's name: a competence by its framework title, never the generic label of the survey. */
const needName = (n: { type: string; key: string; label: string }) => (n.type === 'competence' ? `${n.key} ${competenceTitle(n.key)}` : n.label);

export function presentNeeds(f: Fmt, d: NeedsData) {
  const t = f.t;
  const rows = d.needs.map((n) => [
    text(t(`dashboard.need_${n.type}`)),
    text(needName(n)),
    count(f, n.current),
    count(f, n.previous, n.type === 'free-text' ? f.minGroupText : f.minGroup),
    text(n.trend === null ? '—' : Math.round(n.trend * 100) === 0 ? t('dashboard.trend_stable') : `${n.trend > 0 ? '+' : '−'}${pct(f, Math.abs(n.trend))}`),
    text(n.emerging ? t('dashboard.emerging') : ''),
    text(t('dashboard.create_session'), `/organiser/sessions/new?${new URLSearchParams({ title: needName(n), ...(n.type === 'tool' ? { tool: n.label } : {}), ...(n.type === 'competence' ? { competence: n.key } : {}) }).toString()}`),
    // La Fabrique: a proposal prefilled from this need (its form keeps where it came from).
    text(t('dashboard.propose_fabrique'), `/fabrique/proposals/new?${new URLSearchParams({ needType: n.type, needLabel: needName(n), needKey: n.key }).toString()}`),
  ]);
  const top = d.needs.slice(0, 15);
  const emerging = d.needs.filter((n) => n.emerging);
  const sections: Section[] = [
    {
      id: 'needs',
      heading: t('dashboard.needs_heading'),
      intro: t('dashboard.needs_intro', { n: f.minGroup, text: f.minGroupText }) + (d.hidden ? ` ${tn(f, 'dashboard.needs_hidden', d.hidden)}` : ''),
      explain: explain(f, 'emerging'),
      chart: top.length ? { id: 'needs', type: 'bar', labels: top.map(needName), datasets: [{ label: t('dashboard.col_current'), data: top.map((n) => n.current) }, { label: t('dashboard.col_previous'), data: top.map((n) => n.previous) }], summary: emerging.length ? tn(f, 'dashboard.needs_summary', emerging.length, { top: needName(emerging[0]!) }) : t('dashboard.needs_summary_none') } : undefined,
      table: table(f, 'needs', t('dashboard.needs_heading'), [t('dashboard.col_need_type'), t('dashboard.col_need'), t('dashboard.col_current'), t('dashboard.col_previous'), t('dashboard.col_trend'), t('dashboard.col_emerging'), t('dashboard.col_action'), t('dashboard.col_fabrique')], rows),
      empty: d.needs.length ? undefined : t('dashboard.needs_none'),
    },
    {
      id: 'offers',
      heading: t('dashboard.offers_heading'),
      intro: t('dashboard.offers_intro'),
      table: table(f, 'offers', t('dashboard.offers_heading'), [t('dashboard.col_tool'), t('dashboard.col_people'), t('dashboard.col_action')], d.offers.map((o) => [text(o.tool), count(f, o.people), text(t('dashboard.see_offers'), '/organiser/offers')])),
      empty: d.offers.length ? undefined : t('dashboard.none'),
    },
  ];
  return { kpis: [] as Kpi[], sections };
}

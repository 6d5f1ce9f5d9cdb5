import { CRCN } from './crcn';
import { count, dec, decimal, explain, int, pct, ratio, table, text, tn, type Fmt, type Kpi, type Section } from './dashboard.present';
import type { sessionDashboard } from './session.service';

type SessionData = Extract<Awaited<ReturnType<typeof sessionDashboard>>, { tooFew: false }>;

const BANDS = ['band_1', 'band_2', 'band_3', 'band_4'];
export const competenceTitle = (code: string) => CRCN.find((c) => c.code === code)?.title ?? code;
const plainKpi = (label: string, value: string, previous = ''): Kpi => ({ label, value, previous, trend: '', trendClass: '' });

/** One session's page from its released figures. */
export function presentSession(f: Fmt, d: SessionData) {
  const t = f.t;
  const a = d.attendance;
  const kpis: Kpi[] = [
    plainKpi(t('dashboard.kpi_attendees'), int(f, a.attendees), tn(f, 'dashboard.registered', a.registered)),
    plainKpi(t('dashboard.kpi_attendance'), a.attendanceRate === null ? '—' : pct(f, a.attendanceRate)),
    plainKpi(t('dashboard.kpi_completion'), a.completionRate === null ? '—' : pct(f, a.completionRate)),
    plainKpi(t('dashboard.kpi_satisfaction'), a.satisfaction === null ? t('dashboard.hidden_short') : `${dec(f, a.satisfaction, 1)} / 5`, tn(f, 'dashboard.raters', a.raters)),
    plainKpi(t('dashboard.kpi_transfer'), d.followup.transferRate === null ? t('dashboard.hidden_short') : pct(f, d.followup.transferRate), t('dashboard.response_rate', { rate: d.followup.responseRate === null ? '—' : pct(f, d.followup.responseRate) })),
  ];
  const bandRows = d.bands.map((b) => [text(`${b.competence} ${competenceTitle(b.competence)}`), text(t(`dashboard.moment_${b.moment}`)), ...b.people.map((p) => count(f, p))]);
  const gainRows = d.gains.map((g) => [
    text(`${g.competence} ${competenceTitle(g.competence)}`),
    text(t(`dashboard.kind_${g.kind}`)),
    count(f, g.n),
    count(f, g.excludedAtMax),
    decimal(f, g.averageOfGains),
    decimal(f, g.gainOfAverages),
    count(f, g.bands.negative),
    count(f, g.bands.low),
    count(f, g.bands.medium),
    count(f, g.bands.high),
    decimal(f, g.effect?.g ?? null),
    text(g.effect?.ciLow == null ? '—' : `[${dec(f, g.effect.ciLow)} ; ${dec(f, g.effect.ciHigh)}]`),
  ]);
  const shownGains = d.gains.filter((g) => g.averageOfGains !== null);
  const firstGain = shownGains.find((g) => g.kind === 'prospective') ?? shownGains[0];
  const allItems = d.items.every((i) => i.successRate !== null);
  const worst = allItems && d.items.length ? d.items.reduce((x, y) => (y.successRate! < x.successRate! ? y : x)) : undefined;
  const fu = d.followup;
  const sections: Section[] = [
    {
      id: 'resources',
      heading: t('dashboard.resources_heading'),
      chart: d.resources.length ? { id: 'resources', type: 'bar', labels: d.resources.map((r) => r.title), datasets: [{ label: t('dashboard.col_people'), data: d.resources.map((r) => r.people) }], summary: tn(f, 'dashboard.resources_summary', d.resources.length) } : undefined,
      table: table(f, 'resources', t('dashboard.resources_heading'), [t('dashboard.col_resource'), t('dashboard.col_people')], d.resources.map((r) => [text(r.title), count(f, r.people)])),
      empty: d.resources.length ? undefined : t('dashboard.none'),
    },
    {
      id: 'items',
      heading: t('dashboard.items_heading'),
      intro: t('dashboard.items_intro'),
      chart: d.items.length ? { id: 'items', type: 'bar', percent: true, labels: d.items.map((i) => i.question), datasets: [{ label: t('dashboard.col_success'), data: d.items.map((i) => i.successRate) }, { label: t('dashboard.col_confident_errors'), data: d.items.map((i) => i.confidentErrorRate) }], summary: worst ? t('dashboard.items_summary', { question: worst.question, rate: pct(f, worst.successRate) }) : tn(f, 'dashboard.items_summary_hidden', d.items.length) } : undefined,
      table: table(f, 'items', t('dashboard.items_heading'), [t('dashboard.col_question'), t('dashboard.col_answers'), t('dashboard.col_success'), t('dashboard.col_confident_errors')], d.items.map((i) => [text(i.question), count(f, i.answered), ratio(f, i.successRate), ratio(f, i.confidentErrorRate)])),
      empty: d.items.length ? undefined : t('dashboard.none'),
    },
    {
      id: 'bands',
      heading: t('dashboard.bands_heading'),
      intro: t('dashboard.bands_intro'),
      chart: bandRows.length ? { id: 'bands', type: 'bar', labels: d.bands.map((b) => `${b.competence} · ${t(`dashboard.moment_${b.moment}`)}`), datasets: BANDS.map((b, i) => ({ label: t(`dashboard.${b}`), data: d.bands.map((x) => x.people[i] ?? null) })), summary: tn(f, 'dashboard.bands_summary', bandRows.length) } : undefined,
      table: table(f, 'bands', t('dashboard.bands_heading'), [t('dashboard.col_competence'), t('dashboard.col_moment'), ...BANDS.map((b) => t(`dashboard.${b}`))], bandRows),
      empty: bandRows.length ? undefined : t('dashboard.none'),
    },
    {
      id: 'gains',
      heading: t('dashboard.gains_heading'),
      intro: t('dashboard.gains_intro', { n: f.minGroup }),
      explain: explain(f, 'hake', 'dz', 'ci'),
      chart: shownGains.length ? { id: 'gains', type: 'bar', labels: shownGains.map((g) => `${g.competence} · ${t(`dashboard.kind_${g.kind}`)}`), datasets: [{ label: t('dashboard.col_avg_gain'), data: shownGains.map((g) => g.averageOfGains) }, { label: t('dashboard.col_effect'), data: shownGains.map((g) => g.effect?.g ?? null), axis: 'y2' }], y2Title: t('dashboard.col_effect'), summary: firstGain ? t('dashboard.gains_summary', { competence: `${firstGain.competence} « ${competenceTitle(firstGain.competence)} »`, gain: dec(f, firstGain.averageOfGains), g: dec(f, firstGain.effect?.g ?? null), low: dec(f, firstGain.effect?.ciLow ?? null), high: dec(f, firstGain.effect?.ciHigh ?? null), n: firstGain.effect?.n ?? '' }) : '' } : undefined,
      table: table(f, 'gains', t('dashboard.gains_heading'), [t('dashboard.col_competence'), t('dashboard.col_kind'), t('dashboard.col_n'), t('dashboard.col_excluded'), t('dashboard.col_avg_gain'), t('dashboard.col_gain_of_avg'), t('dashboard.col_gain_negative'), t('dashboard.col_gain_low'), t('dashboard.col_gain_medium'), t('dashboard.col_gain_high'), t('dashboard.col_effect'), t('dashboard.col_ci')], gainRows),
      empty: gainRows.length ? undefined : t('dashboard.none'),
    },
    {
      id: 'obstacles',
      heading: t('dashboard.followup_heading'),
      intro: tn(f, 'dashboard.followup_intro', fu.respondents, { response: fu.responseRate === null ? '—' : pct(f, fu.responseRate), transfer: fu.transferRate === null ? t('dashboard.hidden_short') : pct(f, fu.transferRate) }) + (fu.someObstaclesHidden ? ` ${t('dashboard.obstacles_hidden')}` : ''),
      // "Most cited" only when every obstacle is shown: a hidden one might be cited more.
      chart: fu.obstacles.length ? { id: 'obstacles', type: 'bar', labels: fu.obstacles.map((o) => o.obstacle), datasets: [{ label: t('dashboard.col_people'), data: fu.obstacles.map((o) => o.people) }], summary: fu.someObstaclesHidden ? tn(f, 'dashboard.obstacles_summary_partial', fu.obstacles.length) : t('dashboard.obstacles_summary', { top: fu.obstacles[0]!.obstacle }) } : undefined,
      table: table(f, 'obstacles', t('dashboard.obstacles_caption'), [t('dashboard.col_obstacle'), t('dashboard.col_people')], fu.obstacles.map((o) => [text(o.obstacle), count(f, o.people)])),
      empty: fu.obstacles.length ? undefined : t('dashboard.none'),
    },
  ];
  return { kpis, sections };
}

import { CRCN } from './crcn';

/**
 * The demo year's sessions as the catalogue will hold them (`seed --demo` creates them first, then the
 * learning records name them): weekly lunchtime sessions on real tools, with CRCN competences, resources
 * and a four-question quiz built from what the session is about. Deterministic.
 */

export interface DemoTool {
  tool: string;
  /** What the tool is for, in a few words (the quiz's first question). */
  purpose: string;
  competences: [string, string];
  resources: string[];
}

export const DEMO_TOOLS: DemoTool[] = [
  { tool: 'Tchap', purpose: 'échanger par messagerie instantanée entre agents', competences: ['2.1', '2.3'], resources: ['Guide de démarrage Tchap', 'Créer un salon'] },
  { tool: 'Nuage (apps.education.fr)', purpose: 'stocker et partager des fichiers', competences: ['1.2', '2.2'], resources: ['Partager un dossier', 'Synchroniser son poste'] },
  { tool: 'Pix', purpose: 'évaluer et certifier ses compétences numériques', competences: ['5.2', '1.1'], resources: ['Parcours de rentrée', 'Certification Pix'] },
  { tool: 'OpenStreetMap', purpose: 'consulter et enrichir une carte libre', competences: ['1.3', '2.2'], resources: ['Contribuer à OSM', 'uMap en 10 minutes'] },
  { tool: 'LibreOffice Calc', purpose: 'calculer et analyser des données en tableaux', competences: ['1.3', '3.1'], resources: ['Tableaux croisés dynamiques'] },
  { tool: 'Digipad', purpose: 'créer un mur collaboratif', competences: ['2.3', '3.2'], resources: ['Créer un mur collaboratif'] },
  { tool: 'PeerTube', purpose: 'publier des vidéos sans publicité', competences: ['3.2', '2.2'], resources: ['Publier une vidéo', 'Sous-titrer'] },
  { tool: 'Zotero', purpose: 'constituer et citer une bibliographie', competences: ['1.1', '1.2'], resources: ['Constituer une bibliographie'] },
  { tool: 'Mots de passe et double authentification', purpose: 'protéger ses comptes', competences: ['4.1', '4.2'], resources: ['Gestionnaire KeePassXC'] },
  { tool: 'Visio-agents', purpose: 'organiser une réunion à distance', competences: ['2.1', '5.1'], resources: ['Organiser une visio'] },
  { tool: 'Sobriété numérique', purpose: "réduire l'empreinte de ses usages", competences: ['4.3', '5.2'], resources: ['Mesurer son empreinte'] },
  { tool: 'Wikipédia', purpose: "contribuer à l'encyclopédie libre", competences: ['1.1', '3.1'], resources: ['Première contribution'] },
];

/** A quiz question as the activities slice stores it (ids `q1`…, choices `c1`…). */
export interface DemoQuestion {
  id: string;
  text: string;
  competence: string | null;
  multiple: false;
  choices: Array<{ id: string; text: string; correct: boolean; feedback: string }>;
}

/** One session of the plan. */
export interface DemoSessionPlan {
  title: string;
  tool: string;
  descriptionMd: string;
  startsAt: Date;
  endsAt: Date;
  place: string;
  competences: Array<{ framework: 'crcn'; code: string }>;
  resources: Array<{ type: 'link'; title: string; url: string; estimatedMinutes: number }>;
  questions: DemoQuestion[];
  /** In the past year (with learning records) or upcoming (open to the demo's personas). */
  past: boolean;
}

const titleOf = (code: string) => CRCN.find((c) => c.code === code)?.title ?? code;

/** A question whose right answer comes first in the data and moves by `turn` among three choices. */
function question(id: string, text: string, right: string, wrong: [string, string], turn: number, competence: string | null): DemoQuestion {
  const texts = [right, ...wrong];
  const order = [0, 1, 2].map((i) => (i + turn) % 3);
  return {
    id,
    text,
    competence,
    multiple: false,
    choices: order.map((k, i) => ({ id: `c${i + 1}`, text: texts[k]!, correct: k === 0, feedback: k === 0 ? 'Oui.' : '' })),
  };
}

/** The four questions of a tool's session, the wrong answers taken from the other tools. */
export function demoQuestions(k: number): DemoQuestion[] {
  const spec = DEMO_TOOLS[k % DEMO_TOOLS.length]!;
  const other = (n: number) => DEMO_TOOLS[(k + n) % DEMO_TOOLS.length]!;
  const [c1, c2] = spec.competences;
  const unrelated = CRCN.filter((c) => !spec.competences.includes(c.code));
  const pickCrcn = (n: number) => unrelated[(k * 3 + n) % unrelated.length]!.title;
  return [
    question('q1', `À quoi sert d'abord ${spec.tool} ?`, spec.purpose, [other(3).purpose, other(7).purpose], k, c1),
    question('q2', 'Quelle compétence du CRCN cette session travaille-t-elle d’abord ?', titleOf(c1), [pickCrcn(0), pickCrcn(1)], k + 1, c1),
    question('q3', 'Quelle ressource accompagne cette session ?', spec.resources[0]!, [other(5).resources[0]!, other(9).resources[0]!], k + 2, null),
    question('q4', 'Quelle autre compétence du CRCN cette session travaille-t-elle ?', titleOf(c2), [pickCrcn(2), pickCrcn(3)], k, c2),
  ];
}

/** `past` sessions spread over the year before `end`, then `upcoming` ones in the weeks after `now`. */
export function planDemoSessions(o: { end: Date; now?: Date; past?: number; upcoming?: number }): DemoSessionPlan[] {
  const past = o.past ?? 36;
  const start = new Date(o.end.getTime() - 365 * 86_400_000);
  const dates: Array<{ at: Date; past: boolean }> = [];
  for (let k = 0; k < past; k++) dates.push({ at: new Date(start.getTime() + Math.floor(((k + 0.5) / past) * 350) * 86_400_000 + 10.5 * 3600_000), past: true });
  const now = o.now ?? o.end;
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let k = 0; k < (o.upcoming ?? 4); k++) dates.push({ at: new Date(midnight + (3 + 7 * k) * 86_400_000 + 10.5 * 3600_000), past: false });
  return dates.map(({ at, past: isPast }, k) => {
    const spec = DEMO_TOOLS[k % DEMO_TOOLS.length]!;
    return {
      title: `Instant numérique : ${spec.tool}`,
      tool: spec.tool,
      descriptionMd: `Une heure pour découvrir ${spec.tool} : ${spec.purpose}. Apportez votre ordinateur portable ou votre téléphone.`,
      startsAt: at,
      endsAt: new Date(at.getTime() + 3600_000),
      place: 'Hall du rectorat',
      competences: spec.competences.map((code) => ({ framework: 'crcn' as const, code })),
      resources: spec.resources.map((title) => ({ type: 'link' as const, title, url: `https://ressources.ac-dijon.fr/${encodeURIComponent(title)}`, estimatedMinutes: 10 })),
      questions: demoQuestions(k),
      past: isPast,
    };
  });
}

import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../src/platform/db/client';
import { csrfTokenFrom, type Browser } from '../support/http';

/** The quiz editor's fields as a browser without script posts them (q0-text, q0-c1-correct…). */

export interface QuizFieldChoice {
  text: string;
  correct?: boolean;
  feedback?: string;
  id?: string;
}

export interface QuizFieldQuestion {
  text: string;
  id?: string;
  competence?: string;
  multiple?: boolean;
  choices: QuizFieldChoice[];
}

/** Flat form fields for these questions, in order. */
export function quizFields(questions: QuizFieldQuestion[]): Record<string, string> {
  const out: Record<string, string> = {};
  questions.forEach((q, i) => {
    out[`q${i}-id`] = q.id ?? '';
    out[`q${i}-text`] = q.text;
    out[`q${i}-competence`] = q.competence ?? '';
    if (q.multiple) out[`q${i}-multiple`] = 'on';
    q.choices.forEach((c, j) => {
      out[`q${i}-c${j}-id`] = c.id ?? '';
      out[`q${i}-c${j}-text`] = c.text;
      out[`q${i}-c${j}-feedback`] = c.feedback ?? '';
      if (c.correct) out[`q${i}-c${j}-correct`] = 'on';
    });
  });
  return out;
}

/** Two questions on OpenStreetMap, the second with several right answers. */
export const TWO_QUESTIONS: QuizFieldQuestion[] = [
  {
    text: 'Qui peut modifier OpenStreetMap ?',
    competence: '2.3',
    choices: [
      { text: 'Tout le monde', correct: true, feedback: 'Oui : une carte collaborative.' },
      { text: "Seulement l'IGN", feedback: 'Non.' },
    ],
  },
  {
    text: 'Quelles licences ?',
    competence: '3.2',
    multiple: true,
    choices: [{ text: 'ODbL', correct: true }, { text: 'Données ouvertes', correct: true }, { text: 'Copyright' }],
  },
];

/** The activities form's page: its CSRF token and version. */
export async function openActivitiesForm(browser: Browser, sessionId: string): Promise<{ html: string; csrf: string; version: string }> {
  const html = await (await browser.get(`/organiser/sessions/${sessionId}/activities`)).text();
  const version = /name="version" value="([^"]*)"/.exec(html)?.[1] ?? '';
  return { html, csrf: csrfTokenFrom(html), version };
}

/** Every activity configuration row, as JSON text: "nothing changed" is this text staying the same. */
export async function configSnapshot(db: DbOrTx): Promise<string> {
  const result = await db.execute(sql`select session_id, kind, required, offered, settings, updated_at from activity_configs order by session_id, kind`);
  return JSON.stringify((result as unknown as { rows: unknown[] }).rows);
}

/** The stored quiz settings of a session. */
export async function storedQuiz(db: DbOrTx, sessionId: string): Promise<{ offered: boolean; settings: { title: string; questions: Array<{ id: string; text: string; competence: string | null; multiple: boolean; choices: Array<{ id: string; text: string; correct: boolean; feedback: string }> }> } } | undefined> {
  const result = await db.execute(sql`select offered, settings from activity_configs where session_id = ${sessionId} and kind = 'quiz'`);
  const row = (result as unknown as { rows: Array<{ offered: boolean; settings: unknown }> }).rows[0];
  if (!row) return undefined;
  return { offered: row.offered, settings: (typeof row.settings === 'string' ? JSON.parse(row.settings) : row.settings) as never };
}

import type { QuizQuestion, QuizSettings } from './activities.schema';

/** Quiz rules: right answers, score and mastery. Pure functions. */

/** A question is right when exactly the right choices are chosen. */
export function isRight(question: QuizQuestion, chosen: string[]): boolean {
  const right = question.choices.filter((c) => c.correct).map((c) => c.id).sort();
  const given = [...new Set(chosen)].sort();
  return right.length === given.length && right.every((id, i) => id === given[i]);
}

/** The quiz's score once every question is answered, or null while some are missing. */
export function scoreQuiz(quiz: QuizSettings, answers: Array<{ questionKey: string; value: unknown }>): { raw: number; max: number; scaled: number; passed: boolean } | null {
  if (quiz.questions.length === 0) return null;
  let raw = 0;
  for (const q of quiz.questions) {
    const answer = answers.find((a) => a.questionKey === `q:${q.id}`);
    if (!answer) return null;
    if ((answer.value as { success?: boolean }).success) raw += 1;
  }
  const max = quiz.questions.length;
  const scaled = raw / max;
  return { raw, max, scaled, passed: scaled * 100 >= quiz.masteryPercent };
}

/** Ids of a session's quiz and of one of its questions, as statements name them. */
export function quizIds(sessionId: string, questionId?: string): { quiz: string; question: string } {
  const quiz = `quiz-${sessionId}`;
  return { quiz, question: questionId ? `${quiz}-${questionId}` : quiz };
}

import { expect } from 'chai';
import { parseQuizText, quizToText } from '../../src/activities/activities.schema';
import { isRight, scoreQuiz } from '../../src/activities/quiz';

describe('activities: quiz rules', () => {
  const text = `? Qui peut modifier OpenStreetMap ? [2.3]
* Tout le monde | Oui.
- Seulement l'IGN | Non.

? Quelles licences ? (multiple)
* ODbL
* Données ouvertes
- Copyright`;

  it('reads the organisers\' text form into questions, and writes it back unchanged', () => {
    const { questions, errors } = parseQuizText(text);
    expect(errors).to.deep.equal([]);
    expect(questions).to.have.length(2);
    expect(questions[0]).to.include({ id: 'q1', text: 'Qui peut modifier OpenStreetMap ?', competence: '2.3', multiple: false });
    expect(questions[0]!.choices[0]).to.deep.equal({ id: 'c1', text: 'Tout le monde', correct: true, feedback: 'Oui.' });
    expect(questions[1]).to.include({ multiple: true, competence: null });
    expect(parseQuizText(quizToText(questions)).questions).to.deep.equal(questions);
  });

  it('reports each problem of a badly typed quiz with its line or question', () => {
    const { errors } = parseQuizText('* réponse orpheline\n?\n- a\n- b\n? Deux justes\n* a\n* b\nblabla\n? Seule\n* a');
    expect(errors).to.include.members([
      'line:1:choice_without_question',
      'line:2:empty_question',
      'line:8:unknown_line',
      'question:1:no_right_choice',
      'question:2:several_right_choices',
      'question:3:too_few_choices',
    ]);
  });

  it('counts a question right only when exactly the right choices are chosen', () => {
    const { questions } = parseQuizText(text);
    expect(isRight(questions[1]!, ['c1', 'c2'])).to.equal(true);
    expect(isRight(questions[1]!, ['c1'])).to.equal(false);
    expect(isRight(questions[1]!, ['c1', 'c2', 'c3'])).to.equal(false);
  });

  it('scores the quiz only once every question is answered, against the mastery threshold', () => {
    const { questions } = parseQuizText(text);
    const quiz = { title: 'Q', masteryPercent: 50, certainty: false, questions };
    const one = [{ questionKey: 'q:q1', value: { success: true } }];
    expect(scoreQuiz(quiz, one)).to.equal(null);
    const both = [...one, { questionKey: 'q:q2', value: { success: false } }];
    expect(scoreQuiz(quiz, both)).to.deep.equal({ raw: 1, max: 2, scaled: 0.5, passed: true });
    expect(scoreQuiz({ ...quiz, masteryPercent: 51 }, both)!.passed).to.equal(false);
  });
});

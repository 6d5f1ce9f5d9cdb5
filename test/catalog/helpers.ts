/** Shared inputs of the catalog tests. */

/** A valid session form, as an organiser would post it. */
export function sessionForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    title: 'Cartographier avec OpenStreetMap',
    tool: 'OpenStreetMap',
    tags: 'cartes, données ouvertes',
    description: 'Découvrir **OpenStreetMap**.',
    date: '2030-01-10',
    startTime: '12:15',
    endTime: '13:00',
    format: 'in_person',
    place: 'Hall du rectorat',
    remoteUrl: '',
    capacity: '30',
    audience: 'Rectorat, DSDEN 21',
    presenters: 'Camille Martin',
    contributors: 'Alex Durand\nSam Petit',
    seriesId: '',
    competences: ['crcn:1.3', 'crcn:2.3'],
    ...overrides,
  };
}

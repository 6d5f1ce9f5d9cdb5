import type { Translate } from '../platform/i18n';
import { formatBytes } from './catalog.present';
import { RESOURCE_TYPES } from './catalog.tables';
import { field, raw, type FieldView } from './forms';
import type { SessionResource } from './resources.service';
import { ALLOWED_EXTENSIONS } from './uploads';

/** What the resources pages show. */

export function presentResourceRows(resources: SessionResource[], t: Translate, locale: string) {
  return resources.map((r, i) => ({
    id: r.id,
    title: r.title,
    type: t(`catalog.resource_type.${r.type}`),
    description: r.description,
    minutes: r.estimatedMinutes ? t('catalog.resources.minutes', { count: r.estimatedMinutes }) : '',
    target: r.target,
    fileInfo: r.file ? t('catalog.resources.file_info', { name: r.file.filename, size: formatBytes(r.file.sizeBytes, locale) }) : null,
    first: i === 0,
    last: i === resources.length - 1,
  }));
}

/** The resource form's fields, from the posted body, the resource being edited, or defaults. */
export function presentResourceForm(options: { resource?: SessionResource; body?: unknown; errors: Record<string, string>; maxBytes: number; t: Translate; locale: string }): FieldView[] {
  const { resource, body, errors, t } = options;
  const L = (k: string, vars?: Record<string, unknown>) => t(`catalog.resources.fields.${k}`, vars);
  const value = (name: string, fromResource: () => string) => (body !== undefined ? raw(body, name) : resource ? fromResource() : '');
  const type = value('type', () => resource!.type) || 'link';
  const fileHelp = [
    resource?.file ? L('file_keep', { name: resource.file.filename }) : null,
    L('file_help', { types: ALLOWED_EXTENSIONS.join(', '), max: formatBytes(options.maxBytes, options.locale) }),
  ]
    .filter(Boolean)
    .join(' ');
  return [
    field(
      {
        kind: 'select',
        id: 'type',
        name: 'type',
        label: L('type'),
        required: true,
        options: RESOURCE_TYPES.map((v) => ({ value: v, label: t(`catalog.resource_type.${v}`), selected: v === type })),
      },
      errors,
    ),
    field({ kind: 'text', id: 'resource-title', name: 'title', label: L('title'), required: true, value: value('title', () => resource!.title) }, errors),
    field({ kind: 'textarea', id: 'resource-description', name: 'description', label: L('description'), rows: 3, value: value('description', () => resource!.description) }, errors),
    field(
      {
        kind: 'number',
        id: 'estimatedMinutes',
        name: 'estimatedMinutes',
        label: L('estimated_minutes'),
        value: value('estimatedMinutes', () => (resource!.estimatedMinutes === null ? '' : String(resource!.estimatedMinutes))),
      },
      errors,
    ),
    field({ kind: 'url', id: 'url', name: 'url', label: L('url'), help: L('url_help'), value: value('url', () => (resource!.file ? '' : resource!.target)) }, errors),
    field({ kind: 'file', id: 'file', name: 'file', label: L('file'), help: fileHelp, accept: ALLOWED_EXTENSIONS.map((e) => `.${e}`).join(',') }, errors),
  ];
}

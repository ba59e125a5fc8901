// Tracker import formats for issue drafts: one Markdown file each plus issues.json, GitHub's import JSON, GitLab and Jira CSV.
import type { IssueDraft } from './draft.js';
import { bodyWithMarker } from './draft.js';
import { escapeMarkdown } from '../text/escape.js';

export const ISSUE_FORMATS = ['markdown', 'github', 'gitlab', 'jira-csv'] as const;
export type IssueFormat = (typeof ISSUE_FORMATS)[number];

/** A file to write: path relative to the output folder, and its content. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'issue'
  );
}

/**
 * A CSV cell: quoted, quotes doubled, and a leading = + - @ tab or CR neutralised with an apostrophe,
 * since spreadsheets and some importers evaluate such cells as formulas (CSV injection).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

function csv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const JIRA_PRIORITY = {
  critical: 'Highest',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Lowest',
} as const;

export function renderIssues(drafts: readonly IssueDraft[], format: IssueFormat): OutputFile[] {
  const withMarker = bodyWithMarker;
  switch (format) {
    case 'markdown':
      return [
        ...drafts.map((d, i) => ({
          path: `${String(i + 1).padStart(3, '0')}-${slug(d.title)}.md`,
          content: `# ${escapeMarkdown(d.title)}\n\n${withMarker(d)}`,
        })),
        { path: 'issues.json', content: JSON.stringify(drafts, null, 2) + '\n' },
      ];
    case 'github':
      // The shape GitHub's issue import endpoint takes: one {issue, comments} object per issue.
      return [
        {
          path: 'github-issues.json',
          content:
            JSON.stringify(
              drafts.map((d) => ({
                issue: { title: d.title, body: withMarker(d), labels: ['ktm', ...d.labels] },
                comments: [],
              })),
              null,
              2,
            ) + '\n',
        },
      ];
    case 'gitlab':
      // GitLab's CSV issue import reads the title and description columns.
      return [
        {
          path: 'gitlab-issues.csv',
          content: csv(
            ['title', 'description'],
            drafts.map((d) => [d.title, withMarker(d)]),
          ),
        },
      ];
    case 'jira-csv':
      return [
        {
          path: 'jira-issues.csv',
          content: csv(
            ['Summary', 'Description', 'Priority', 'Labels', 'Component', 'Team'],
            drafts.map((d) => [
              d.title,
              withMarker(d),
              JIRA_PRIORITY[d.severity],
              ['ktm', ...d.labels].join(' ').replace(/:/g, '-'),
              d.zone,
              d.owner ?? '',
            ]),
          ),
        },
      ];
  }
}

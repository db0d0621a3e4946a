import { useState } from 'react';
import type { ReportFormat } from '../../../shared/contract.js';
import { DEFAULT_REPORT_FORMAT } from '../../../shared/defaults.js';
import { useRequest } from '../../client/hooks.js';
import { Empty, ErrorNotice, Loading } from '../../ui/StatusViews.js';
import { saveText } from './save-text.js';

export interface ReportViewProps {
  sessionId: number;
  canAnalyse: boolean;
}

const FORMATS: { format: ReportFormat; label: string }[] = [
  { format: 'html', label: 'HTML' },
  { format: 'md', label: 'Markdown' },
  { format: 'json', label: 'JSON' },
];

/** The session's report as `goroscope report` writes it: a preview, and the file to export. */
export function ReportView({ sessionId, canAnalyse }: ReportViewProps): React.JSX.Element {
  const [format, setFormat] = useState<ReportFormat>(DEFAULT_REPORT_FORMAT);
  const [redactLabels, setRedactLabels] = useState(false);
  const report = useRequest('report.render', canAnalyse ? { sessionId, format, redactLabels } : null);
  if (!canAnalyse) return <Empty title="Reports need leak analysis">This build of Goroscope has no analysis module; `goroscope report` is not available either.</Empty>;
  const value = report.value?.format === format ? report.value : null;
  return (
    <div className="report-view" data-testid="report-view">
      <div className="report-toolbar" role="toolbar" aria-label="Report format">
        {FORMATS.map((f) => (
          <button type="button" key={f.format} aria-pressed={f.format === format} className={f.format === format ? 'active' : undefined} onClick={() => setFormat(f.format)}>
            {f.label}
          </button>
        ))}
        <label className="report-redact" title="Replace label values (tenant, user ids) with stable short hashes; keys are kept">
          <input type="checkbox" checked={redactLabels} onChange={(ev) => setRedactLabels(ev.target.checked)} data-testid="report-redact-labels" /> Redact label values
        </label>
        <button type="button" className="primary" disabled={value === null} onClick={() => value && saveText(value.fileName, value.mimeType, value.content)} data-testid="report-export">
          Export {value?.fileName ?? ''}
        </button>
      </div>
      {report.status === 'error' && <ErrorNotice error={report.error} onRetry={report.reload} />}
      {value === null && report.status !== 'error' && <Loading what="the report" />}
      {value !== null &&
        (value.format === 'html' ? (
          // No scripts, no same-origin access: the report is a document to read, nothing more.
          <iframe className="report-frame" sandbox="" srcDoc={value.content} title="Report preview" data-testid="report-frame" />
        ) : (
          <pre className="report-text" data-testid="report-text">
            {value.content}
          </pre>
        ))}
    </div>
  );
}

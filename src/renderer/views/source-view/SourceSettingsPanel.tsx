import { useEffect, useState } from 'react';
import type { EditorKind } from '../../../shared/source.js';
import { useAction, useRequest } from '../../client/hooks.js';
import { ErrorNotice } from '../../ui/StatusViews.js';
import { rootsFromText } from './source-view.js';

/** Source roots and the editor, kept by the main process beside the history; read-only where it may not be changed. */
export function SourceSettingsPanel({ onSaved }: { onSaved: () => void }): React.JSX.Element {
  const current = useRequest('sourceSettings.get', {});
  const save = useAction('sourceSettings.set');
  const [roots, setRoots] = useState('');
  const [editor, setEditor] = useState<EditorKind>('vscode');
  const [template, setTemplate] = useState('');
  useEffect(() => {
    if (current.value === null) return;
    setRoots(current.value.settings.roots.join('\n'));
    setEditor(current.value.settings.editor);
    setTemplate(current.value.settings.commandTemplate ?? '');
  }, [current.value]);
  const canChange = current.value?.canChange === true;

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    const saved = await save.run({ settings: { roots: rootsFromText(roots), editor, commandTemplate: template.trim() === '' ? null : template.trim() } });
    if (saved !== null) onSaved();
  };

  return (
    <details className="source-settings">
      <summary>Source settings</summary>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          Source roots (local checkouts, one per line)
          <textarea rows={3} value={roots} onChange={(e) => setRoots(e.target.value)} disabled={!canChange} spellCheck={false} data-testid="source-roots" />
        </label>
        <label className="inline-label">
          Editor
          <select value={editor} onChange={(e) => setEditor(e.target.value as EditorKind)} disabled={!canChange}>
            <option value="vscode">VS Code (code -g file:line)</option>
            <option value="goland">GoLand (goland --line N file)</option>
            <option value="custom">Command template</option>
          </select>
        </label>
        {editor === 'custom' && (
          <label>
            Command ({'{file}'} and {'{line}'} are filled in; no shell)
            <input value={template} onChange={(e) => setTemplate(e.target.value)} disabled={!canChange} placeholder="subl {file}:{line}" spellCheck={false} />
          </label>
        )}
        {canChange ? (
          <button type="submit" disabled={save.status === 'loading'}>
            Save
          </button>
        ) : (
          <p className="muted small">These settings can only be changed from the desktop app or serve on loopback.</p>
        )}
        {save.status === 'error' && <ErrorNotice error={save.error} />}
      </form>
    </details>
  );
}

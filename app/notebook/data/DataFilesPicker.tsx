'use client';
/** File and folder choosers for the Data cell; the chosen files go to ./files. */
import { useSyncExternalStore } from 'react';
import { addPicked, clearPicked, dataFiles, imageFiles, isTableFile, needsRoles, pickedFiles, relPath, roleOf, setRole, subscribePicked, type FileRole } from './files';

const ROLES: readonly { value: FileRole; label: string }[] = [
  { value: 'transactions', label: 'transactions' },
  { value: 'articles', label: 'articles' },
  { value: 'customers', label: 'customers' },
  { value: 'none', label: 'not used' },
];

const folderProps = { webkitdirectory: '', directory: '' } as Record<string, string>;

/** Adds the chosen files, then empties the input: otherwise choosing the same file again (after Clear) fires no change. */
function pick(e: React.ChangeEvent<HTMLInputElement>, onChanged?: () => void) {
  if (e.target.files) addPicked(Array.from(e.target.files));
  e.target.value = '';
  // New files are a new input: the Data cell (and what follows) is out of date.
  onChanged?.();
}

export function DataFilesPicker({ disabled, onChanged }: { disabled: boolean; onChanged?: () => void }) {
  const files = useSyncExternalStore(subscribePicked, pickedFiles, () => []);
  const data = files.length ? dataFiles() : [];
  const images = files.length ? imageFiles().size : 0;
  const ask = needsRoles(data);
  return (
    <div className="params" data-testid="data-picker">
      <label>
        Data files (CSV / Parquet / u.data …)
        <input type="file" multiple disabled={disabled} data-testid="data-files-input" onChange={(e) => pick(e, onChanged)} />
      </label>
      <label>
        Folder (e.g. with images/)
        <input type="file" multiple disabled={disabled} data-testid="data-folder-input" {...folderProps} onChange={(e) => pick(e, onChanged)} />
      </label>
      {files.length > 0 && (
        <div style={{ flexBasis: '100%', fontSize: 13 }} data-testid="data-picked">
          {ask && <div data-testid="data-roles-ask">Which file is which H&amp;M table? (remembered by file name)</div>}
          {data.map((f) => (
            <span key={relPath(f)} style={{ marginRight: 12 }}>
              {relPath(f)} ({(f.size / 1e6).toFixed(1)} MB)
              {ask && isTableFile(f) && (
                <select
                  aria-label={`table of ${f.name}`}
                  data-testid={`data-role-${f.name}`}
                  disabled={disabled}
                  value={roleOf(f) ?? ''}
                  onChange={(e) => setRole(f, e.target.value as FileRole)}
                  style={{ marginLeft: 4 }}
                >
                  {roleOf(f) === null && <option value="">which table?</option>}
                  {ROLES.map((r) => (
                    <option key={r.value} value={r.value}>
                      {r.label}
                    </option>
                  ))}
                </select>
              )}
            </span>
          ))}
          {images > 0 && <span style={{ marginRight: 12 }}>{images.toLocaleString('en-US')} product images</span>}
          <button type="button" disabled={disabled} onClick={() => (clearPicked(), onChanged?.())}>
            Clear
          </button>
        </div>
      )}
    </div>
  );
}

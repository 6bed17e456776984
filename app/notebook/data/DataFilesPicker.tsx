'use client';
/** File and folder choosers for the Data cell; the chosen files go to ./files. */
import { useSyncExternalStore } from 'react';
import { addPicked, clearPicked, dataFiles, imageFiles, pickedFiles, relPath, subscribePicked } from './files';

const folderProps = { webkitdirectory: '', directory: '' } as Record<string, string>;

/** Adds the chosen files, then empties the input: otherwise choosing the same file again (after Clear) fires no change. */
function onPick(e: React.ChangeEvent<HTMLInputElement>) {
  if (e.target.files) addPicked(Array.from(e.target.files));
  e.target.value = '';
}

export function DataFilesPicker({ disabled }: { disabled: boolean }) {
  const files = useSyncExternalStore(subscribePicked, pickedFiles, () => []);
  const data = files.length ? dataFiles() : [];
  const images = files.length ? imageFiles().size : 0;
  return (
    <div className="params" data-testid="data-picker">
      <label>
        Data files (CSV / Parquet / u.data …)
        <input type="file" multiple disabled={disabled} data-testid="data-files-input" onChange={onPick} />
      </label>
      <label>
        Folder (e.g. with images/)
        <input type="file" multiple disabled={disabled} data-testid="data-folder-input" {...folderProps} onChange={onPick} />
      </label>
      {files.length > 0 && (
        <div style={{ flexBasis: '100%', fontSize: 13 }} data-testid="data-picked">
          {data.map((f) => (
            <span key={relPath(f)} style={{ marginRight: 12 }}>
              {relPath(f)} ({(f.size / 1e6).toFixed(1)} MB)
            </span>
          ))}
          {images > 0 && <span style={{ marginRight: 12 }}>{images.toLocaleString('en-US')} product images</span>}
          <button type="button" disabled={disabled} onClick={() => clearPicked()}>
            Clear
          </button>
        </div>
      )}
    </div>
  );
}

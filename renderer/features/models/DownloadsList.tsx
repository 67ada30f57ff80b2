import { useDownloads } from '../../api/download-hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { DownloadRow } from './DownloadRow';

/** Downloads this session and paused ones; hidden while there are none. */
export function DownloadsList() {
  const { data, error } = useDownloads();
  if (error && !data) return <ErrorNotice error={error} title="Could not list the downloads" testId="downloads-list-error" />;
  if (!data || data.length === 0) return null;
  return (
    <section className="download-rows" data-testid="downloads-list" aria-label="Downloads">
      <div className="section-header">
        <h3>
          Downloads<span className="muted">{data.length}</span>
        </h3>
      </div>
      {data.map((download) => (
        <DownloadRow key={download.id} download={download} />
      ))}
    </section>
  );
}

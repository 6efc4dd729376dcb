import { Card, Empty, Skeleton, Table, Tag, Tooltip } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ErrorState } from '../components/ErrorState.js';
import { formatDateTime } from '../components/format.js';
import { useRemote } from '../components/useRemote.js';
import type { CalendarEntry, ObligationStatus } from '../types.js';
import { useRecordTypeName, useStandard } from './standard.js';

/** The months shown: the latest year is what a supervisor chases. */
const PERIODS = 12;

const colours: Record<ObligationStatus, string> = { filed: 'success', late: 'warning', missing: 'error', not_due: 'default' };

interface Row {
  recordType: string;
  byPeriod: Map<string, CalendarEntry>;
}

/**
 * What an institution owes month by month under its licences, one row per record type: filed on
 * time, late, missing or not yet due (`path`: the supervisor's or the institution's own calendar).
 */
export function FilingCalendar({ path }: { path: string }) {
  const { t } = useTranslation();
  const { standard } = useStandard();
  const recordTypeName = useRecordTypeName(standard);
  const calendar = useRemote(() => api.get<{ entries: CalendarEntry[] }>(path), path);
  const entries = calendar.data?.entries ?? [];
  const periods = [...new Set(entries.map((entry) => entry.period))].sort().slice(-PERIODS);
  const rows = new Map<string, Row>();
  for (const entry of entries) {
    const row = rows.get(entry.recordType) ?? { recordType: entry.recordType, byPeriod: new Map() };
    row.byPeriod.set(entry.period, entry);
    rows.set(entry.recordType, row);
  }

  const columns: TableColumnsType<Row> = [
    { title: t('filings.recordType'), key: 'recordType', fixed: 'left', render: (_, row) => recordTypeName(row.recordType) },
    ...periods.map((period) => ({
      title: <span className="fh-mono">{period}</span>,
      key: period,
      render: (_: unknown, row: Row) => {
        const entry = row.byPeriod.get(period);
        if (!entry) return null;
        const due = t('calendar.due', { date: entry.dueOn });
        const accepted = entry.acceptedAt ? t('calendar.accepted', { at: formatDateTime(entry.acceptedAt) }) : undefined;
        return (
          <Tooltip title={accepted ? `${due} · ${accepted}` : due}>
            <Tag color={colours[entry.status]} data-obligation={entry.status} style={{ marginInlineEnd: 0 }}>
              {t(`calendar.status.${entry.status}`)}
            </Tag>
          </Tooltip>
        );
      },
    })),
  ];

  return (
    <Card className="fh-card" title={t('calendar.title')} style={{ marginTop: 16 }} data-testid="filing-calendar">
      {calendar.error !== undefined && <ErrorState error={calendar.error} onRetry={calendar.reload} />}
      {!calendar.data && calendar.loading && <Skeleton active paragraph={{ rows: 3 }} />}
      {calendar.data && entries.length === 0 && <Empty description={t('calendar.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      {entries.length > 0 && <Table<Row> rowKey="recordType" size="small" columns={columns} dataSource={[...rows.values()]} pagination={false} scroll={{ x: 'max-content' }} />}
    </Card>
  );
}

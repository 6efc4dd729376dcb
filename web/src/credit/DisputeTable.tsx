import { Empty, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, useLocalName } from '../components/format.js';
import { DisputeStatusTag } from './tags.js';
import { chinaToday, daysBetween, type DisputeView } from './types.js';

/** The answer deadline in days: left, today, or overdue (red, as an escalated dispute). */
export function DueCell({ dispute }: { dispute: DisputeView }) {
  const { t } = useTranslation();
  const answered = dispute.status === 'corrected' || dispute.status === 'kept';
  const left = daysBetween(chinaToday(), dispute.dueOn);
  const late = !answered && (left < 0 || dispute.status === 'escalated');
  return (
    <span data-testid="dispute-due" data-late={late ? 'true' : 'false'}>
      <span className="fh-mono">{dispute.dueOn}</span>
      {!answered && (
        <>
          <br />
          <Typography.Text type={late ? 'danger' : left <= 5 ? 'warning' : 'secondary'} strong={late}>
            {left < 0 ? t('credit.desk.overdueBy', { days: -left }) : left === 0 ? t('credit.desk.dueToday') : t('credit.desk.daysLeft', { days: left })}
          </Typography.Text>
        </>
      )}
    </span>
  );
}

/** Disputes in a table: loan, reason, filed, due, status, and an action column when given. */
export function DisputeTable({ items, loading, action, showInstitution }: { items: DisputeView[]; loading: boolean; action?: (dispute: DisputeView) => ReactNode; showInstitution?: boolean }) {
  const { t } = useTranslation();
  const name = useLocalName();
  const columns: TableColumnsType<DisputeView> = [
    ...(showInstitution ? [{ title: t('credit.desk.institution'), key: 'institution', render: (_: unknown, row: DisputeView) => name(row.institution) }] : []),
    { title: t('credit.desk.loan'), dataIndex: 'loanId', render: (value: string) => <span className="fh-mono">{value}</span> },
    { title: t('credit.desk.reason'), dataIndex: 'reason', width: 280, render: (value: string) => <Typography.Paragraph ellipsis={{ rows: 3, tooltip: value }} style={{ marginBottom: 0 }}>{value}</Typography.Paragraph> },
    { title: t('credit.desk.filedAt'), dataIndex: 'filedAt', render: (value: string) => formatDateTime(value) },
    { title: t('credit.desk.due'), key: 'due', render: (_, row) => <DueCell dispute={row} /> },
    { title: t('credit.desk.status'), key: 'status', render: (_, row) => <DisputeStatusTag status={row.status} /> },
    { title: t('credit.desk.statement'), dataIndex: 'statement', width: 220, render: (value: string | null) => value ?? '—' },
    ...(action ? [{ title: '', key: 'action', render: (_: unknown, row: DisputeView) => action(row) }] : []),
  ];
  return (
    <Table
      data-testid="disputes-table"
      rowKey="disputeId"
      size="middle"
      columns={columns}
      dataSource={items}
      loading={loading}
      pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      scroll={{ x: 'max-content' }}
      onRow={(row) => ({ 'data-dispute-id': row.disputeId, 'data-status': row.status }) as React.HTMLAttributes<HTMLElement>}
      locale={{ emptyText: <Empty description={t('credit.desk.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
    />
  );
}

import { Empty, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatYuan, useLocalName } from '../components/format.js';
import { ComplaintStatusTags, DeadlineText, useCodeLabel, type ComplaintView } from './parts.js';

/** Complaints in a table for the desk and the supervisor: received, institution, issue, deadline, status, an action. */
export function ComplaintTable({ items, loading, action, showInstitution, onOpen }: { items: ComplaintView[]; loading: boolean; action?: (complaint: ComplaintView) => ReactNode; showInstitution?: boolean; onOpen?: (complaint: ComplaintView) => void }) {
  const { t } = useTranslation();
  const name = useLocalName();
  const label = useCodeLabel();
  const columns: TableColumnsType<ComplaintView> = [
    { title: t('complaints.received'), dataIndex: 'receivedAt', render: (value: string) => formatDateTime(value, false) },
    ...(showInstitution ? [{ title: t('complaints.institution'), key: 'institution', render: (_: unknown, row: ComplaintView) => name(row.institution) }] : []),
    {
      title: t('complaints.issue'),
      key: 'issue',
      width: 260,
      render: (_, row) => (
        <>
          <Typography.Link onClick={() => onOpen?.(row)}>{label(row.issue)}</Typography.Link>
          <br />
          <Typography.Text type="secondary">{row.product}</Typography.Text>
        </>
      ),
    },
    { title: t('complaints.amount'), dataIndex: 'amountAtStakeFen', align: 'right', render: (value: number | null) => (value === null ? '—' : formatYuan(value)) },
    { title: t('complaints.lastDay'), key: 'deadline', render: (_, row) => <DeadlineText complaint={row} /> },
    { title: t('complaints.statusTitle'), key: 'status', render: (_, row) => <ComplaintStatusTags complaint={row} /> },
    ...(action ? [{ title: '', key: 'action', render: (_: unknown, row: ComplaintView) => action(row) }] : []),
  ];
  return (
    <Table
      data-testid="complaints-table"
      rowKey="complaintId"
      size="middle"
      columns={columns}
      dataSource={items}
      loading={loading}
      pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      scroll={{ x: 'max-content' }}
      onRow={(row) => ({ 'data-complaint-id': row.complaintId, 'data-status': row.status }) as React.HTMLAttributes<HTMLElement>}
      locale={{ emptyText: <Empty description={t('complaints.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
    />
  );
}

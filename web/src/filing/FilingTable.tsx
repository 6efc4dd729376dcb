import { Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { formatCount, useDateTime, useLocalName } from '../components/format.js';
import type { FilingView, Page } from '../types.js';
import { FilingStatusTag } from './FilingStatusTag.js';
import { useRecordTypeName, type Standard } from './standard.js';

interface Props {
  page: Page<FilingView> | undefined;
  loading: boolean;
  standard: Standard | undefined;
  /** Where a filing's detail lives: `${basePath}/${filingId}`. */
  basePath: string;
  onPage: (page: number) => void;
  /** For a supervisor: show which institution filed. */
  showInstitution?: boolean;
}

/** Filings as a table, newest first (as the API orders them), each linking to its detail. */
export function FilingTable({ page, loading, standard, basePath, onPage, showInstitution }: Props) {
  const { t, i18n } = useTranslation();
  const dateTime = useDateTime();
  const recordTypeName = useRecordTypeName(standard);
  const name = useLocalName();
  const count = (value: number | null) => (value === null ? '—' : formatCount(value, i18n.language));

  const columns: TableColumnsType<FilingView> = [
    ...(showInstitution
      ? [{ title: t('filings.institution'), key: 'institution', render: (_: unknown, row: FilingView) => <span className="fh-institution-link">{name(row.institution)}</span> }]
      : []),
    {
      title: t('filings.period'),
      dataIndex: 'period',
      key: 'period',
      render: (period: string, row) => (
        <Link to={`${basePath}/${row.filingId}`} className="fh-mono" data-testid="filing-link">
          {period}
        </Link>
      ),
    },
    { title: t('filings.recordType'), dataIndex: 'recordType', key: 'recordType', render: (type: string) => recordTypeName(type) },
    { title: t('filings.version'), dataIndex: 'version', key: 'version', align: 'right', render: (version: number) => `v${version}` },
    { title: t('filings.status'), dataIndex: 'status', key: 'status', render: (status: FilingView['status']) => <FilingStatusTag status={status} /> },
    { title: t('filings.records'), dataIndex: 'recordCount', key: 'recordCount', align: 'right', render: count },
    {
      title: t('filings.errors'),
      dataIndex: 'errorCount',
      key: 'errorCount',
      align: 'right',
      render: (value: number) => (value > 0 ? <Typography.Text type="danger" strong>{count(value)}</Typography.Text> : count(value)),
    },
    {
      title: t('filings.warnings'),
      dataIndex: 'warningCount',
      key: 'warningCount',
      align: 'right',
      render: (value: number) => (value > 0 ? <Typography.Text type="warning" strong>{count(value)}</Typography.Text> : count(value)),
    },
    { title: t('filings.uploadedAt'), dataIndex: 'createdAt', key: 'createdAt', render: (value: string) => dateTime(value) },
  ];

  return (
    <Table<FilingView>
      rowKey="filingId"
      data-testid="filings-table"
      columns={columns}
      dataSource={page?.items ?? []}
      loading={loading}
      size="middle"
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: t('filings.none') }}
      pagination={
        page && page.total > page.pageSize
          ? { current: page.page, pageSize: page.pageSize, total: page.total, showSizeChanger: false, onChange: onPage, showTotal: (total) => t('filings.total', { count: total }) }
          : false
      }
    />
  );
}

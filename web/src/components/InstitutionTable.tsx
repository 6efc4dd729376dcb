import { Card, Grid, List, Pagination, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { InstitutionSummary, LicenceType, Page } from '../types.js';
import { ErrorState } from './ErrorState.js';
import { useLicenceTypeName } from './InstitutionView.js';
import { StatusTag } from './StatusTag.js';
import { useLocalName } from './format.js';
import type { Remote } from './useRemote.js';

interface Props {
  result: Remote<Page<InstitutionSummary>>;
  licenceTypes: LicenceType[];
  /** Where an institution's page lives: `${basePath}/${institutionId}`. */
  basePath: string;
  onPage: (page: number) => void;
  /** The supervisor's list shows the kind of institution; the public registry does not. */
  showKind?: boolean;
}

/** Institutions with their licences, one page at a time: the public registry and the supervisor's list. */
export function InstitutionTable({ result, licenceTypes, basePath, onPage, showKind = false }: Props) {
  const { t } = useTranslation();
  const name = useLocalName();
  const screens = Grid.useBreakpoint();
  const typeName = useLicenceTypeName(licenceTypes);

  const licenceLines = (row: InstitutionSummary) =>
    row.licences.length === 0 ? (
      <Typography.Text type="secondary">{t('licence.none')}</Typography.Text>
    ) : (
      <Space orientation="vertical" size={4}>
        {row.licences.map((licence) => (
          <Space key={licence.licenceId} size={6} wrap className="fh-licence-line">
            <span>{typeName(licence.type)}</span>
            <StatusTag status={licence.status} />
          </Space>
        ))}
      </Space>
    );

  const columns: TableColumnsType<InstitutionSummary> = [
    {
      title: t('institution.name'),
      key: 'name',
      render: (_, row) => (
        <div>
          <Link to={`${basePath}/${row.institutionId}`} className="fh-institution-link">
            {name(row)}
          </Link>
        </div>
      ),
    },
    { title: t('institution.uscc'), dataIndex: 'uscc', key: 'uscc', width: 210, render: (value: string) => <span className="fh-mono">{value}</span> },
    ...(showKind ? [{ title: t('institution.kind'), dataIndex: 'kind', key: 'kind', width: 180, render: (kind: string) => t(`kind.${kind}`, { defaultValue: kind }) }] : []),
    { title: t('institution.jurisdiction'), key: 'jurisdiction', width: 170, render: (_, row) => name(row.jurisdiction) },
    {
      title: t('licence.title'),
      key: 'licences',
      render: (_, row) => licenceLines(row),
    },
  ];

  const page = result.data;
  // A phone has no room for columns: one card per institution, its licences under its name.
  if (screens.md === false) {
    return (
      <>
        {result.error !== undefined && <ErrorState error={result.error} onRetry={result.reload} />}
        <List<InstitutionSummary>
          className="fh-card-list"
          loading={result.loading}
          dataSource={page?.items ?? []}
          locale={{ emptyText: t('registry.empty') }}
          rowKey="institutionId"
          renderItem={(row) => (
            <Card size="small" className="fh-card fh-row-card" data-testid="institution-card">
              <Link to={`${basePath}/${row.institutionId}`} className="fh-institution-link">
                {name(row)}
              </Link>
              <div className="fh-secondary-name">
                <span className="fh-mono">{row.uscc}</span> · {name(row.jurisdiction)}
                {showKind && <> · {t(`kind.${row.kind}`, { defaultValue: row.kind })}</>}
              </div>
              <div className="fh-row-card-body">{licenceLines(row)}</div>
            </Card>
          )}
        />
        {page && page.total > page.pageSize && (
          <Pagination simple current={page.page} pageSize={page.pageSize} total={page.total} showSizeChanger={false} onChange={onPage} className="fh-card-pagination" />
        )}
      </>
    );
  }

  return (
    <>
      {result.error !== undefined && <ErrorState error={result.error} onRetry={result.reload} />}
      <Table<InstitutionSummary>
        rowKey="institutionId"
        columns={columns}
        dataSource={page?.items ?? []}
        loading={result.loading}
        scroll={{ x: 720 }}
        locale={{ emptyText: t('registry.empty') }}
        pagination={page && page.total > page.pageSize ? { current: page.page, pageSize: page.pageSize, total: page.total, showSizeChanger: false, onChange: onPage } : false}
      />
    </>
  );
}

import { Card, Input, Select, Space, Table, TreeSelect, Typography, Flex } from 'antd';
import type { TableColumnsType } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { PublicPage } from '../../components/AppLayout.js';
import { ErrorState } from '../../components/ErrorState.js';
import { useLicenceTypeName } from '../../components/InstitutionView.js';
import { StatusTag } from '../../components/StatusTag.js';
import { useLocalName } from '../../components/format.js';
import { jurisdictionTree, useReference } from '../../components/reference.js';
import { useRemote } from '../../components/useRemote.js';
import { licenceStatuses, type InstitutionSummary, type Page } from '../../types.js';

const PAGE_SIZE = 20;

/** The public licence registry: anyone can check whether a platform is licensed. */
export function HomePage() {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const name = useLocalName();
  const reference = useReference();
  const typeName = useLicenceTypeName(reference.licenceTypes);
  const [params, setParams] = useSearchParams();

  const q = params.get('q') ?? '';
  const licenceType = params.get('licenceType') ?? undefined;
  const licenceStatus = params.get('licenceStatus') ?? undefined;
  const jurisdiction = params.get('jurisdiction') ?? undefined;
  const page = Number(params.get('page') ?? '1') || 1;

  const query = { q, licenceType, licenceStatus, jurisdiction, page, pageSize: PAGE_SIZE };
  const results = useRemote(() => api.get<Page<InstitutionSummary>>('/v1/public/institutions', query), JSON.stringify(query));

  /** Change one filter; any change but paging goes back to page 1. */
  const update = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== 'page') next.delete('page');
    setParams(next);
  };

  const columns: TableColumnsType<InstitutionSummary> = [
    {
      title: t('institution.name'),
      key: 'name',
      render: (_, row) => (
        <div>
          <Link to={`/institutions/${row.institutionId}`} className="fh-institution-link">
            {name(row)}
          </Link>
          <div className="fh-secondary-name">{english ? row.nameZh : row.nameEn}</div>
        </div>
      ),
    },
    { title: t('institution.uscc'), dataIndex: 'uscc', key: 'uscc', width: 210, render: (value: string) => <span className="fh-mono">{value}</span> },
    { title: t('institution.jurisdiction'), key: 'jurisdiction', width: 140, render: (_, row) => name(row.jurisdiction) },
    {
      title: t('licence.title'),
      key: 'licences',
      render: (_, row) =>
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
        ),
    },
  ];

  return (
    <>
      <div className="fh-hero">
        <div className="fh-hero-inner">
          <Typography.Title level={2} className="fh-hero-title">
            <SafetyCertificateOutlined /> {t('registry.title')}
          </Typography.Title>
          <Typography.Paragraph className="fh-hero-text">{t('registry.intro')}</Typography.Paragraph>
          <Input.Search
            size="large"
            allowClear
            enterButton={t('registry.search')}
            placeholder={t('registry.placeholder')}
            defaultValue={q}
            key={q}
            onSearch={(value) => update('q', value.trim() || undefined)}
            className="fh-hero-search"
            data-testid="registry-search"
          />
        </div>
      </div>
      <PublicPage>
        <Card className="fh-card">
          <Flex gap={12} wrap className="fh-filters">
            <Select
              allowClear
              placeholder={t('registry.filterType')}
              value={licenceType}
              onChange={(value?: string) => update('licenceType', value)}
              options={reference.licenceTypes.map((type) => ({ value: type.type, label: name(type) }))}
              style={{ minWidth: 200 }}
            />
            <Select
              allowClear
              placeholder={t('registry.filterStatus')}
              value={licenceStatus}
              onChange={(value?: string) => update('licenceStatus', value)}
              options={licenceStatuses.map((status) => ({ value: status, label: t(`status.${status}`) }))}
              style={{ minWidth: 160 }}
            />
            <TreeSelect
              allowClear
              showSearch
              treeNodeFilterProp="title"
              placeholder={t('registry.filterJurisdiction')}
              value={jurisdiction}
              onChange={(value?: string) => update('jurisdiction', value)}
              treeData={jurisdictionTree(reference.jurisdictions, name)}
              style={{ minWidth: 220 }}
            />
            <div className="fh-grow" />
            {results.data && <Typography.Text type="secondary">{t('registry.total', { count: results.data.total })}</Typography.Text>}
          </Flex>
          {results.error !== undefined && <ErrorState error={results.error} onRetry={results.reload} />}
          <div data-testid="registry-table">
          <Table<InstitutionSummary>
            rowKey="institutionId"
            columns={columns}
            dataSource={results.data?.items ?? []}
            loading={results.loading}
            locale={{ emptyText: t('registry.empty') }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: results.data?.total ?? 0,
              showSizeChanger: false,
              onChange: (next) => update('page', String(next)),
            }}
          />
          </div>
        </Card>
      </PublicPage>
    </>
  );
}

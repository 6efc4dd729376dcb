import { Card, Flex, Input, Select, TreeSelect, Typography } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { PublicPage } from '../../components/AppLayout.js';
import { InstitutionTable } from '../../components/InstitutionTable.js';
import { useLocalName } from '../../components/format.js';
import { jurisdictionTree, useReference } from '../../components/reference.js';
import { useRemote } from '../../components/useRemote.js';
import { useUrlFilters } from '../../components/useUrlFilters.js';
import { licenceStatuses, type InstitutionSummary, type Page } from '../../types.js';

const PAGE_SIZE = 20;

/** The public licence registry: anyone can check whether a platform is licensed. */
export function HomePage() {
  const { t } = useTranslation();
  const name = useLocalName();
  const reference = useReference();
  const filters = useUrlFilters();

  const q = filters.get('q') ?? '';
  const licenceType = filters.get('licenceType');
  const licenceStatus = filters.get('licenceStatus');
  const jurisdiction = filters.get('jurisdiction');
  const query = { q, licenceType, licenceStatus, jurisdiction, page: filters.page, pageSize: PAGE_SIZE };
  const results = useRemote(() => api.get<Page<InstitutionSummary>>('/v1/public/institutions', query), JSON.stringify(query));
  const update = filters.set;

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
          <div data-testid="registry-table">
            <InstitutionTable result={results} licenceTypes={reference.licenceTypes} basePath="/institutions" onPage={filters.setPage} />
          </div>
        </Card>
      </PublicPage>
    </>
  );
}

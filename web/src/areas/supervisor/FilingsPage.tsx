import { Card, DatePicker, Flex, Select, Space, Switch, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useLocalName } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import { useUrlFilters } from '../../components/useUrlFilters.js';
import { FilingTable } from '../../filing/FilingTable.js';
import { useRecordTypeName, useStandard } from '../../filing/standard.js';
import { filingStatuses, type FilingView, type Page } from '../../types.js';
import { useInstitutionNames } from './institutionNames.js';

const PAGE_SIZE = 20;

/** The filings of the supervisor's jurisdiction, filtered by institution, record type, period and status. */
export function FilingsPage() {
  const { t } = useTranslation();
  const name = useLocalName();
  const { standard } = useStandard();
  const recordTypeName = useRecordTypeName(standard);
  const { institutions } = useInstitutionNames();

  const url = useUrlFilters();
  const filters = { institutionId: url.get('institutionId'), recordType: url.get('recordType'), period: url.get('period'), status: url.get('status') };
  // Failed and replaced versions are hidden unless asked for, or unless a status is chosen (then that status is what is asked for).
  const showReplaced = url.get('all') === 'true';
  const query = { ...filters, hideReplaced: showReplaced || filters.status ? undefined : 'true', page: url.page, pageSize: PAGE_SIZE };
  const list = useRemote(() => api.get<Page<FilingView>>('/v1/filings', query), JSON.stringify(query));

  const filter = (key: keyof typeof filters, value: string | undefined) => url.set(key, value);

  return (
    <>
      <PageTitle title={t('menu.filings')} subtitle={t('filings.supervisorSubtitle')} />
      <Card className="fh-card">
        <Flex className="fh-filters" gap={12} wrap>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('filings.institution')}
            style={{ width: 280 }}
            value={filters.institutionId}
            onChange={(value?: string) => filter('institutionId', value)}
            options={institutions.map((institution) => ({ value: institution.institutionId, label: name(institution) }))}
            data-testid="filter-institution"
          />
          <Select
            allowClear
            placeholder={t('filings.recordType')}
            style={{ width: 180 }}
            value={filters.recordType}
            onChange={(value?: string) => filter('recordType', value)}
            options={(standard?.recordTypes ?? []).map((r) => ({ value: r.type, label: recordTypeName(r.type) }))}
            data-testid="filter-record-type"
          />
          <DatePicker
            picker="month"
            format="YYYY-MM"
            placeholder={t('filings.period')}
            value={filters.period ? dayjs(`${filters.period}-01`) : null}
            onChange={(value) => filter('period', value ? value.format('YYYY-MM') : undefined)}
          />
          <Select
            allowClear
            placeholder={t('filings.status')}
            style={{ width: 150 }}
            value={filters.status}
            onChange={(value?: string) => filter('status', value)}
            options={filingStatuses.map((status) => ({ value: status, label: t(`filingStatus.${status}`) }))}
            data-testid="filter-status"
          />
          <Space size={6}>
            <Switch size="small" checked={showReplaced} onChange={(checked) => url.set('all', checked ? 'true' : undefined)} data-testid="show-replaced" />
            <Typography.Text type="secondary">{t('filings.showReplaced')}</Typography.Text>
          </Space>
        </Flex>
        {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
        <FilingTable
          page={list.data}
          loading={list.loading}
          standard={standard}
          basePath="/supervisor/filings"
          showInstitution
          onPage={url.setPage}
        />
      </Card>
    </>
  );
}

import { Card, Descriptions, Grid, Skeleton, Table, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useDateTime, useLocalName, useLocalNote } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import type { AccessLogEntry, ConsumerProfile, Page } from '../../types.js';

const PAGE_SIZE = 20;

/** The consumer's own record, with the identity card number masked. */
export function ProfilePage() {
  const { t } = useTranslation();
  const name = useLocalName();
  const dateTime = useDateTime();
  const profile = useRemote(() => api.get<ConsumerProfile>('/v1/consumer/profile'), 'profile');
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const data = profile.data;
  return (
    <>
      <PageTitle title={t('menu.consumerProfile')} subtitle={t('consumer.subtitle')} />
      {profile.error !== undefined && <ErrorState error={profile.error} onRetry={profile.reload} />}
      {!data && profile.loading && <Skeleton active />}
      {data && (
        <Card className="fh-card" title={data.displayName}>
          <Descriptions column={{ xs: 1, md: 2 }} layout={phone ? 'vertical' : 'horizontal'} styles={phone ? undefined : { label: { width: 140 } }}>
            <Descriptions.Item label={t('consumer.residentId')}>
              <span className="fh-mono" data-testid="masked-id">
                {data.residentIdMasked}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('consumer.birthDate')}>{data.birthDate ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('consumer.sex')}>{data.sex ? t(`consumer.sexes.${data.sex}`, { defaultValue: data.sex }) : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('consumer.region')}>{data.region ? name(data.region) : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('consumer.registeredAt')}>{dateTime(data.registeredAt)}</Descriptions.Item>
          </Descriptions>
        </Card>
      )}
    </>
  );
}

/** Every read of the consumer's data, by whom and why (personal information protection). */
export function AccessLogPage() {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const note = useLocalNote();
  const [page, setPage] = useState(1);
  const log = useRemote(() => api.get<Page<AccessLogEntry>>('/v1/consumer/access-log', { page, pageSize: PAGE_SIZE }), String(page));

  const columns: TableColumnsType<AccessLogEntry> = [
    { title: t('accessLog.occurredAt'), dataIndex: 'occurredAt', key: 'occurredAt', width: 170, render: (value: string) => dateTime(value) },
    { title: t('accessLog.actor'), dataIndex: 'actorRole', key: 'actorRole', width: 120, render: (role: string) => <Tag>{t(`role.${role}`, { defaultValue: role })}</Tag> },
    { title: t('accessLog.action'), dataIndex: 'action', key: 'action', render: (action: string) => t(`accessLog.actions.${action.replaceAll('.', '_')}`, { defaultValue: action }) },
    {
      title: t('accessLog.resource'),
      dataIndex: 'resource',
      key: 'resource',
      // `consumer:<id>` → the kind of record, named; the full reference stays in the tooltip.
      render: (value: string | null) => (value ? <span title={value}>{t(`accessLog.resources.${value.split(':')[0] ?? ''}`, { defaultValue: value })}</span> : '—'),
    },
    { title: t('accessLog.reason'), dataIndex: 'reason', key: 'reason', render: (value: string | null) => (value ? note(value) : '—') },
  ];

  return (
    <>
      <PageTitle title={t('menu.accessLog')} subtitle={t('accessLog.subtitle')} />
      {log.error !== undefined && <ErrorState error={log.error} onRetry={log.reload} />}
      <Card className="fh-card">
        <Table<AccessLogEntry>
          rowKey={(row) => String(row.seq)}
          columns={columns}
          dataSource={log.data?.items ?? []}
          loading={log.loading}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('accessLog.empty') }}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: log.data?.total ?? 0, showSizeChanger: false, onChange: setPage }}
        />
      </Card>
    </>
  );
}

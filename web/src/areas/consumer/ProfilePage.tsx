import { Card, Descriptions, Grid, List, Pagination, Skeleton, Table, Tag, Typography } from 'antd';
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
  const name = useLocalName();
  const dateTime = useDateTime();
  const note = useLocalNote();
  const [page, setPage] = useState(1);
  const screens = Grid.useBreakpoint();
  const log = useRemote(() => api.get<Page<AccessLogEntry>>('/v1/consumer/access-log', { page, pageSize: PAGE_SIZE }), String(page));

  const actorName = (row: AccessLogEntry) => (
    <span>
      <Tag>{t(`role.${row.actorRole}`, { defaultValue: row.actorRole })}</Tag>
      {row.actor && !row.actor.self && <span data-testid="actor-name">{name(row.actor)}</span>}
    </span>
  );
  const actionName = (action: string) => t(`accessLog.actions.${action.replaceAll('.', '_')}`, { defaultValue: action });
  // `consumer:<id>` → the kind of record, named; the full reference stays in the tooltip.
  const resourceName = (value: string | null) => (value ? <span title={value}>{t(`accessLog.resources.${value.split(':')[0] ?? ''}`, { defaultValue: value })}</span> : '—');
  const columns: TableColumnsType<AccessLogEntry> = [
    { title: t('accessLog.occurredAt'), dataIndex: 'occurredAt', key: 'occurredAt', width: 170, render: (value: string) => dateTime(value) },
    { title: t('accessLog.actor'), dataIndex: 'actorRole', key: 'actorRole', render: (_value: string, row) => actorName(row) },
    { title: t('accessLog.action'), dataIndex: 'action', key: 'action', render: actionName },
    { title: t('accessLog.resource'), dataIndex: 'resource', key: 'resource', render: resourceName },
    { title: t('accessLog.reason'), dataIndex: 'reason', key: 'reason', render: (value: string | null) => (value ? note(value) : '—') },
  ];
  const total = log.data?.total ?? 0;

  // On a phone each access is a card: what was done, by whom, when, and why.
  if (screens.md === false) {
    return (
      <>
        <PageTitle title={t('menu.accessLog')} subtitle={t('accessLog.subtitle')} />
        {log.error !== undefined && <ErrorState error={log.error} onRetry={log.reload} />}
        <List<AccessLogEntry>
          loading={log.loading}
          dataSource={log.data?.items ?? []}
          rowKey={(row) => String(row.seq)}
          locale={{ emptyText: t('accessLog.empty') }}
          renderItem={(row) => (
            <Card size="small" className="fh-card fh-row-card" data-testid="access-card">
              <Typography.Text strong>{actionName(row.action)}</Typography.Text>
              <div className="fh-secondary-name">{dateTime(row.occurredAt)}</div>
              <div className="fh-row-card-body">
                {actorName(row)} {resourceName(row.resource)}
              </div>
              {row.reason && <div className="fh-reason">{note(row.reason)}</div>}
            </Card>
          )}
        />
        {total > PAGE_SIZE && <Pagination simple current={page} pageSize={PAGE_SIZE} total={total} onChange={setPage} className="fh-card-pagination" />}
      </>
    );
  }

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
          pagination={total > PAGE_SIZE ? { current: page, pageSize: PAGE_SIZE, total, showSizeChanger: false, onChange: setPage } : false}
        />
      </Card>
    </>
  );
}

import { Alert, Card, Descriptions, Empty, Flex, Grid, List, Space, Tag, Timeline, Typography } from 'antd';
import { CheckCircleFilled, CloseCircleOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { InstitutionDetail, Licence, LicenceType, QualificationCheck } from '../types.js';
import { StatusTag } from './StatusTag.js';
import { useDateTime, useLocalName, useLocalNote } from './format.js';

export interface InstitutionViewProps {
  institution: InstitutionDetail;
  licenceTypes: LicenceType[];
  /** Buttons for a licence (the supervisor's approve/suspend/revoke). */
  licenceActions?: (licence: Licence) => ReactNode;
  /** How one qualification is shown; by default a read-only met/not met line. */
  renderQualification?: (licence: Licence, qualification: QualificationCheck) => ReactNode;
  /** Extra content in the institution card (e.g. issue an API key). */
  extra?: ReactNode;
}

/** The name of a licence type in the reader's language. */
export function useLicenceTypeName(licenceTypes: LicenceType[]): (type: string) => string {
  const name = useLocalName();
  const { t } = useTranslation();
  return (type) => {
    const found = licenceTypes.find((candidate) => candidate.type === type);
    return found ? name(found) : t(`licenceType.${type}`, { defaultValue: type });
  };
}

/**
 * A clear warning for each licence that is suspended or revoked: the institution may not do that
 * business (a small tag is easily missed by a consumer checking a platform).
 */
export function LicenceWarnings({ licences, typeName }: { licences: Licence[]; typeName: (type: string) => string }) {
  const { t } = useTranslation();
  const note = useLocalNote();
  const barred = licences.filter((licence) => licence.status === 'suspended' || licence.status === 'revoked');
  if (barred.length === 0) return null;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="licence-warnings">
      {barred.map((licence) => {
        const reason = [...licence.history].reverse().find((change) => change.toStatus === licence.status)?.reason;
        return (
          <Alert
            key={licence.licenceId}
            type="error"
            showIcon
            data-testid="licence-warning"
            data-status={licence.status}
            title={<strong>{t(licence.status === 'revoked' ? 'licence.warningRevoked' : 'licence.warningSuspended', { type: typeName(licence.type) })}</strong>}
            description={
              <>
                <div>{t('licence.warningAdvice')}</div>
                {reason && <div className="fh-reason">{t('licence.warningReason', { reason: note(reason) })}</div>}
              </>
            }
          />
        );
      })}
    </Space>
  );
}

/** An institution with its licences, qualifications and status history (public, supervisor, own portal). */
export function InstitutionView({ institution, licenceTypes, licenceActions, renderQualification, extra }: InstitutionViewProps) {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const name = useLocalName();
  const dateTime = useDateTime();
  const typeName = useLicenceTypeName(licenceTypes);
  const note = useLocalNote();
  const screens = Grid.useBreakpoint();
  // On a phone the label goes above its value: side by side leaves the value a sliver.
  const layout = screens.md === false ? 'vertical' : 'horizontal';

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <LicenceWarnings licences={institution.licences} typeName={typeName} />
      <Card className="fh-card" title={t('institution.basics')} extra={extra}>
        <Descriptions column={{ xs: 1, md: 2 }} size="middle" layout={layout} styles={layout === 'horizontal' ? { label: { width: english ? 200 : 150 } } : undefined}>
          <Descriptions.Item label={t('institution.nameZh')}>{institution.nameZh}</Descriptions.Item>
          <Descriptions.Item label={t('institution.nameEn')}>{institution.nameEn || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('institution.uscc')}>
            <Typography.Text copyable className="fh-mono">
              {institution.uscc}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('institution.kind')}>{t(`kind.${institution.kind}`, { defaultValue: institution.kind })}</Descriptions.Item>
          <Descriptions.Item label={t('institution.jurisdiction')}>{name(institution.jurisdiction)}</Descriptions.Item>
          <Descriptions.Item label={t('institution.registeredAt')}>{dateTime(institution.registeredAt, false)}</Descriptions.Item>
        </Descriptions>
      </Card>

      <Typography.Title level={4} style={{ margin: '8px 0 0' }}>
        {t('licence.title')}
      </Typography.Title>
      {institution.licences.length === 0 && (
        <Card className="fh-card">
          <Empty description={t('licence.none')} />
        </Card>
      )}
      {institution.licences.map((licence) => (
        <Card
          key={licence.licenceId}
          className="fh-card fh-licence"
          data-licence-id={licence.licenceId}
          title={
            <Space wrap>
              <span>{typeName(licence.type)}</span>
              <StatusTag status={licence.status} />
            </Space>
          }
          extra={licenceActions?.(licence)}
        >
          <Descriptions column={{ xs: 1, md: 3 }} size="small" layout={layout}>
            <Descriptions.Item label={t('licence.number')}>
              <span className="fh-mono">{licence.licenceNo ?? t('licence.noNumberYet')}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('licence.appliedAt')}>{dateTime(licence.appliedAt, false)}</Descriptions.Item>
            <Descriptions.Item label={t('licence.statusChangedAt')}>{dateTime(licence.statusChangedAt)}</Descriptions.Item>
          </Descriptions>
          <Flex gap={24} wrap className="fh-licence-body">
            <div className="fh-licence-column">
              <Typography.Text strong>{t('licence.qualifications')}</Typography.Text>
              {licence.qualifications.length > 0 && (
                <Typography.Text type="secondary" className="fh-count" data-testid="qualifications-met">
                  {t('licence.qualificationsMet', { met: licence.qualifications.filter((qualification) => qualification.met).length, total: licence.qualifications.length })}
                </Typography.Text>
              )}
              <List
                size="small"
                dataSource={licence.qualifications}
                locale={{ emptyText: t('licence.noQualifications') }}
                renderItem={(qualification) => (
                  <List.Item key={qualification.key}>
                    {renderQualification ? (
                      renderQualification(licence, qualification)
                    ) : (
                      <Space align="start">
                        {qualification.met ? <CheckCircleFilled className="fh-met" /> : <CloseCircleOutlined className="fh-unmet" />}
                        <span>
                          {name(qualification)}
                          {qualification.note && (
                            <Typography.Text type="secondary" className="fh-note">
                              {note(qualification.note)}
                            </Typography.Text>
                          )}
                        </span>
                      </Space>
                    )}
                  </List.Item>
                )}
              />
            </div>
            <div className="fh-licence-column">
              <Typography.Text strong>{t('licence.history')}</Typography.Text>
              <Timeline
                className="fh-history"
                items={[...licence.history].reverse().map((change, index) => ({
                  key: `${change.at}-${index}`,
                  color: change.toStatus === 'approved' ? 'green' : change.toStatus === 'revoked' ? 'red' : change.toStatus === 'suspended' ? 'orange' : 'blue',
                  content: (
                    <div>
                      <Space size={6} wrap>
                        {change.fromStatus && (
                          <>
                            <Tag bordered={false}>{t(`status.${change.fromStatus}`)}</Tag>→
                          </>
                        )}
                        <StatusTag status={change.toStatus} />
                        <Typography.Text type="secondary">{dateTime(change.at)}</Typography.Text>
                      </Space>
                      {change.reason && <div className="fh-reason">{note(change.reason)}</div>}
                    </div>
                  ),
                }))}
              />
            </div>
          </Flex>
        </Card>
      ))}
    </Space>
  );
}

import { App, Button, Card, List, Typography } from 'antd';
import { CommentOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, describeError } from '../../api.js';
import { PageTitle } from '../../components/PageTitle.js';
import { formatMoney, useLocalName } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import { CaseList } from '../../mediation/CaseList.js';
import { RoomPage } from '../../mediation/RoomPage.js';
import { useIssueName } from '../../mediation/issues.js';
import type { MediationCase } from '../../mediation/types.js';

interface DisputedComplaint {
  complaintId: string;
  status: string;
  institution: { nameZh: string; nameEn: string };
  issue: { zh: string; en: string };
  amountAtStakeFen: number | null;
}

/** The consumer's complaints whose answer they disputed: each may go to mediation. */
function Disputed() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const name = useLocalName();
  const issue = useIssueName();
  const [busy, setBusy] = useState<string>();
  const remote = useRemote(() => api.get<{ items: DisputedComplaint[] }>('/v1/consumer/complaints'), 'complaints');
  const disputed = (remote.data?.items ?? []).filter((c) => c.status === 'disputed');
  if (disputed.length === 0) return null;
  const request = async (complaintId: string) => {
    setBusy(complaintId);
    try {
      const room = await api.post<MediationCase>(`/v1/consumer/complaints/${complaintId}/mediation`);
      void message.success(t('mediation.requested'));
      void navigate(`/consumer/mediations/${room.caseId}`);
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Card className="fh-card" title={t('mediation.canRequest')} style={{ marginBottom: 16 }} data-testid="mediation-candidates">
      <Typography.Paragraph type="secondary">{t('mediation.canRequestIntro')}</Typography.Paragraph>
      <List
        dataSource={disputed}
        renderItem={(c) => (
          <List.Item
            data-complaint-id={c.complaintId}
            actions={[
              <Button key="request" type="primary" icon={<CommentOutlined />} loading={busy === c.complaintId} onClick={() => void request(c.complaintId)} data-action="request-mediation">
                {t('mediation.request')}
              </Button>,
            ]}
          >
            <List.Item.Meta title={name(c.institution)} description={`${issue(c.issue)}${c.amountAtStakeFen !== null ? ` · ${formatMoney(c.amountAtStakeFen, i18n.language)}` : ''}`} />
          </List.Item>
        )}
      />
    </Card>
  );
}

/** The consumer's mediation cases, and the disputed complaints they may take to mediation. */
export function MediationsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle title={t('mediation.myCases')} />
      <Disputed />
      <CaseList path="/v1/consumer/mediations" roomPath="/consumer/mediations" emptyText={t('mediation.empty')} testId="consumer-mediations" />
    </>
  );
}

/** The consumer's mediation room. */
export function MediationPage() {
  return <RoomPage role="consumer" listPath="/consumer/mediations" listLabelKey="mediation.myCases" />;
}

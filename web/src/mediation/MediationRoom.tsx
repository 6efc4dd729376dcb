import { Alert, App, Button, Card, Col, Descriptions, Empty, Flex, Form, Input, InputNumber, List, Row, Select, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { CheckOutlined, CloseOutlined, DownloadOutlined, FileProtectOutlined, PaperClipOutlined, SendOutlined, StopOutlined } from '@ant-design/icons';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, describeError } from '../api.js';
import { ErrorState } from '../components/ErrorState.js';
import { PageTitle } from '../components/PageTitle.js';
import { formatBytes, formatDateTime, formatMoney, useLocalName } from '../components/format.js';
import { useRemote } from '../components/useRemote.js';
import { caseBase, isOpen, type MediationCase, type MediationParty, type MediationProposal, type MediationStatus, type RoomRole } from './types.js';
import { useIssueName } from './issues.js';
import { useSession } from '../session.js';
import { useOwnEvidence } from './evidence.js';

const statusColours: Record<MediationStatus, string> = { requested: 'processing', in_mediation: 'blue', settled: 'success', not_settled: 'warning' };

/** Where a case stands, as a coloured tag. */
export function MediationStatusTag({ status }: { status: MediationStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={statusColours[status]} data-mediation-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`mediation.status.${status}`)}
    </Tag>
  );
}

/** A party's name as the reader sees it: "you" for their own side. */
function usePartyLabel(yourParty: MediationParty | null): (party: MediationParty) => string {
  const { t } = useTranslation();
  return (party) => (party === yourParty ? t('mediation.partyYou', { party: t(`mediation.party.${party}`) }) : t(`mediation.party.${party}`));
}

function CaseFacts({ room }: { room: MediationCase }) {
  const { t, i18n } = useTranslation();
  const name = useLocalName();
  const issue = useIssueName();
  return (
    <Descriptions column={{ xs: 1, sm: 2 }} size="small" className="fh-mediation-facts">
      <Descriptions.Item label={t('mediation.fields.institution')}>{room.institution ? name(room.institution) : '—'}</Descriptions.Item>
      <Descriptions.Item label={t('mediation.fields.issue')}>{issue(room.issue)}</Descriptions.Item>
      <Descriptions.Item label={t('mediation.fields.amount')}>{room.amountAtStakeFen !== null ? formatMoney(room.amountAtStakeFen, i18n.language) : '—'}</Descriptions.Item>
      <Descriptions.Item label={t('mediation.fields.jurisdiction')}>{name(room.jurisdiction)}</Descriptions.Item>
      <Descriptions.Item label={t('mediation.fields.mediator')}>{room.mediator?.displayName ?? t('mediation.noMediator')}</Descriptions.Item>
      <Descriptions.Item label={t('mediation.fields.requestedAt')}>{formatDateTime(room.requestedAt)}</Descriptions.Item>
      {room.closedAt && <Descriptions.Item label={t('mediation.fields.closedAt')}>{formatDateTime(room.closedAt)}</Descriptions.Item>}
      {room.referral && <Descriptions.Item label={t('mediation.fields.referral')}>{t(`mediation.referral.${room.referral}`)}</Descriptions.Item>}
    </Descriptions>
  );
}

function AnswerTag({ answer }: { answer: 'accepted' | 'rejected' | null }) {
  const { t } = useTranslation();
  return <Tag color={answer === 'accepted' ? 'success' : answer === 'rejected' ? 'error' : 'default'}>{t(`mediation.answer.${answer ?? 'pending'}`)}</Tag>;
}

function ProposalBody({ proposal, partyLabel }: { proposal: MediationProposal; partyLabel: (party: MediationParty) => string }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="proposal-terms">
        {proposal.terms}
      </Typography.Paragraph>
      {proposal.amountFen !== null && (
        <Typography.Paragraph>
          {t('mediation.amountPaid')}<Typography.Text strong data-testid="proposal-amount">{formatMoney(proposal.amountFen, i18n.language)}</Typography.Text>
        </Typography.Paragraph>
      )}
      <Flex gap={12} wrap>
        <span>
          {partyLabel('consumer')} <AnswerTag answer={proposal.answers.consumer} />
        </span>
        <span>
          {partyLabel('institution')} <AnswerTag answer={proposal.answers.institution} />
        </span>
      </Flex>
      <Typography.Text type="secondary">{formatDateTime(proposal.proposedAt)}</Typography.Text>
    </>
  );
}

/** The mediator's current proposal, with accept and reject for a party that has not answered yet. */
function ProposalCard({ room, role, onChange }: { room: MediationCase; role: RoomRole; onChange: (next: MediationCase) => void }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const partyLabel = usePartyLabel(room.yourParty);
  const current = room.proposals.find((p) => p.current);
  const earlier = room.proposals.filter((p) => !p.current);
  const mine = current && room.yourParty ? current.answers[room.yourParty] : null;
  const canAnswer = current && room.yourParty && (role === 'consumer' || role === 'institution') && !mine && room.status === 'in_mediation';
  const answer = (kind: 'accept' | 'reject') => {
    const send = async () => {
      try {
        const next = await api.post<MediationCase>(`${caseBase(role)}/${room.caseId}/proposals/${current!.proposalId}/${kind}`);
        void message.success(t(kind === 'accept' ? 'mediation.accepted' : 'mediation.rejectedDone'));
        onChange(next);
      } catch (error) {
        void message.error(describeError(error));
      }
    };
    if (kind === 'reject') return void send();
    void modal.confirm({ title: t('mediation.accept'), content: t('mediation.acceptConfirm'), okText: t('mediation.accept'), cancelText: t('common.cancel'), onOk: send });
  };
  return (
    <Card className="fh-card" title={t('mediation.proposal')} data-testid="mediation-proposal">
      {!current ? (
        <Typography.Text type="secondary">{t('mediation.noProposal')}</Typography.Text>
      ) : (
        <>
          <ProposalBody proposal={current} partyLabel={partyLabel} />
          {canAnswer && (
            <Flex gap={8} wrap style={{ marginTop: 12 }}>
              <Button type="primary" icon={<CheckOutlined />} onClick={() => answer('accept')} data-action="accept">
                {t('mediation.accept')}
              </Button>
              <Button danger icon={<CloseOutlined />} onClick={() => answer('reject')} data-action="reject">
                {t('mediation.reject')}
              </Button>
            </Flex>
          )}
        </>
      )}
      {earlier.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('mediation.earlierProposals')}
          </Typography.Title>
          <List
            size="small"
            dataSource={earlier}
            renderItem={(p) => (
              <List.Item>
                <div style={{ width: '100%' }}>
                  <Tag>{t('mediation.superseded')}</Tag>
                  <ProposalBody proposal={p} partyLabel={partyLabel} />
                </div>
              </List.Item>
            )}
          />
        </>
      )}
    </Card>
  );
}

/** Both parties' positions, and the form for the reader's own side while the case is open. */
function PositionsCard({ room, role, onChange }: { room: MediationCase; role: RoomRole; onChange: (next: MediationCase) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ text: string; evidenceIds?: string[] }>();
  const [busy, setBusy] = useState(false);
  const partyLabel = usePartyLabel(room.yourParty);
  const canWrite = (role === 'consumer' || role === 'institution') && isOpen(room.status);
  const own = useOwnEvidence(canWrite ? role : null);
  const submit = async (values: { text: string; evidenceIds?: string[] }) => {
    setBusy(true);
    try {
      const next = await api.post<MediationCase>(`${caseBase(role)}/${room.caseId}/positions`, { text: values.text, ...(values.evidenceIds?.length ? { evidenceIds: values.evidenceIds } : {}) });
      void message.success(t('mediation.submitted'));
      form.resetFields();
      onChange(next);
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="fh-card" title={t('mediation.positions')} data-testid="mediation-positions">
      {room.positions.length === 0 ? (
        <Typography.Text type="secondary">{t('mediation.noPositions')}</Typography.Text>
      ) : (
        <List
          dataSource={room.positions}
          renderItem={(p) => (
            <List.Item data-party={p.party}>
              <div style={{ width: '100%' }}>
                <Flex justify="space-between" wrap gap={8}>
                  <Tag color={p.party === 'consumer' ? 'blue' : 'purple'}>{partyLabel(p.party)}</Tag>
                  <Typography.Text type="secondary">{formatDateTime(p.submittedAt)}</Typography.Text>
                </Flex>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 8, marginBottom: 0 }}>{p.text}</Typography.Paragraph>
                {p.evidenceIds.length > 0 && (
                  <Typography.Text type="secondary">
                    <PaperClipOutlined /> {p.evidenceIds.map((id) => room.evidence.find((e) => e.evidenceId === id)?.fileName ?? '…').join('、')}
                  </Typography.Text>
                )}
              </div>
            </List.Item>
          )}
        />
      )}
      {canWrite && (
        <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => void submit(values)} style={{ marginTop: 16 }}>
          <Form.Item name="text" label={t('mediation.addPosition')} rules={[{ required: true, whitespace: true, message: t('mediation.positionRequired') }]}>
            <Input.TextArea rows={4} maxLength={4000} placeholder={t('mediation.positionPlaceholder')} data-testid="position-text" />
          </Form.Item>
          {own.length > 0 && (
            <Form.Item name="evidenceIds" label={t('mediation.attachEvidence')}>
              <Select mode="multiple" options={own.map((item) => ({ value: item.evidenceId, label: item.fileName }))} data-testid="position-evidence" />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" icon={<SendOutlined />} loading={busy} data-action="submit-position">
            {t('mediation.submit')}
          </Button>
        </Form>
      )}
    </Card>
  );
}

function EvidenceCard({ room, role }: { room: MediationCase; role: RoomRole }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const partyLabel = usePartyLabel(room.yourParty);
  const open = (evidenceId: string, fileName: string) => {
    api.download(`${caseBase(role)}/${room.caseId}/evidence/${encodeURIComponent(evidenceId)}`, fileName).catch((error: unknown) => void message.error(describeError(error)));
  };
  return (
    <Card className="fh-card" title={t('mediation.evidence')} data-testid="mediation-evidence">
      {room.evidence.length === 0 ? (
        <Typography.Text type="secondary">{t('mediation.noEvidence')}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={room.evidence}
          renderItem={(item) => (
            <List.Item
              actions={[
                <Button key="download" size="small" icon={<DownloadOutlined />} onClick={() => open(item.evidenceId, item.fileName)}>
                  {t('mediation.download')}
                </Button>,
              ]}
            >
              <List.Item.Meta title={<span className="fh-break">{item.fileName}</span>} description={`${t('mediation.submittedBy', { party: partyLabel(item.party) })} · ${formatBytes(item.sizeBytes)}`} />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** The outcome of a closed case, with the signed agreement to download. */
function OutcomeCard({ room, role }: { room: MediationCase; role: RoomRole }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const download = () => {
    api.download(`${caseBase(role)}/${room.caseId}/agreement`, `mediation-${room.caseId}.json`).catch((error: unknown) => void message.error(describeError(error)));
  };
  return (
    <Alert
      type={room.status === 'settled' ? 'success' : 'warning'}
      showIcon
      icon={<FileProtectOutlined />}
      data-testid="mediation-outcome"
      title={t('mediation.outcome')}
      description={
        <>
          <Typography.Paragraph style={{ marginBottom: 8 }}>{room.status === 'settled' ? t('mediation.settledText') : t('mediation.notSettledText')}</Typography.Paragraph>
          {room.referral && <Typography.Paragraph>{t('mediation.referredTo', { referral: t(`mediation.referral.${room.referral}`) })}</Typography.Paragraph>}
          <Button type="primary" icon={<DownloadOutlined />} onClick={download} data-action="download-agreement">
            {t('mediation.downloadAgreement')}
          </Button>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }} className="fh-break">
            {t('mediation.verifyHint')}
          </Typography.Paragraph>
        </>
      }
      style={{ marginBottom: 16 }}
    />
  );
}

/** The mediator's tools: propose terms, or close the case as not settled. */
function MediatorTools({ room, onChange }: { room: MediationCase; onChange: (next: MediationCase) => void }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const [proposeForm] = Form.useForm<{ terms: string; amountYuan?: number | null }>();
  const [closeForm] = Form.useForm<{ referral: 'arbitration' | 'court'; reason?: string }>();
  const [busy, setBusy] = useState(false);
  const propose = async (values: { terms: string; amountYuan?: number | null }) => {
    setBusy(true);
    try {
      const amountFen = values.amountYuan === undefined || values.amountYuan === null ? null : Math.round(values.amountYuan * 100);
      const next = await api.post<MediationCase>(`/v1/mediator/cases/${room.caseId}/proposals`, { terms: values.terms, amountFen });
      void message.success(t('mediation.proposed'));
      proposeForm.resetFields();
      onChange(next);
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  const close = (values: { referral: 'arbitration' | 'court'; reason?: string }) => {
    void modal.confirm({
      title: t('mediation.close'),
      content: t('mediation.closeConfirm'),
      okText: t('mediation.close'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          const next = await api.post<MediationCase>(`/v1/mediator/cases/${room.caseId}/close`, { referral: values.referral, ...(values.reason?.trim() ? { reason: values.reason.trim() } : {}) });
          void message.success(t('mediation.closed'));
          onChange(next);
        } catch (error) {
          void message.error(describeError(error));
        }
      },
    });
  };
  return (
    <>
      <Card className="fh-card" title={t('mediation.propose')} data-testid="mediation-propose">
        <Form form={proposeForm} layout="vertical" requiredMark={false} onFinish={(values) => void propose(values)}>
          <Form.Item name="terms" label={t('mediation.proposeTerms')} rules={[{ required: true, whitespace: true, message: t('mediation.proposeTermsRequired') }]}>
            <Input.TextArea rows={3} maxLength={4000} data-testid="propose-terms" />
          </Form.Item>
          <Form.Item name="amountYuan" label={t('mediation.proposeAmount')}>
            <InputNumber min={0} max={10_000_000_000} precision={2} style={{ width: '100%', maxWidth: 240 }} data-testid="propose-amount" />
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<SendOutlined />} loading={busy} data-action="propose">
            {t('mediation.propose')}
          </Button>
        </Form>
      </Card>
      <Card className="fh-card" title={t('mediation.close')}>
        <Form form={closeForm} layout="vertical" requiredMark={false} initialValues={{ referral: 'arbitration' }} onFinish={close}>
          <Form.Item name="referral" label={t('mediation.closeReferral')}>
            <Select options={(['arbitration', 'court'] as const).map((r) => ({ value: r, label: t(`mediation.referral.${r}`) }))} style={{ maxWidth: 240 }} />
          </Form.Item>
          <Form.Item name="reason" label={t('mediation.closeReason')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Button danger htmlType="submit" icon={<StopOutlined />} data-action="close-case">
            {t('mediation.close')}
          </Button>
        </Form>
      </Card>
    </>
  );
}

function History({ room }: { room: MediationCase }) {
  const { t } = useTranslation();
  return (
    <Card className="fh-card" title={t('mediation.history')}>
      <Timeline
        items={room.events.map((e) => ({
          children: (
            <>
              <div>{t(`mediation.event.${e.kind}`, { defaultValue: t('mediation.history') })}</div>
              <Typography.Text type="secondary">
                {t(`role.${e.actorRole}`)} · {formatDateTime(e.at)}
              </Typography.Text>
            </>
          ),
        }))}
      />
    </Card>
  );
}

/**
 * The mediation room: the facts of the case, both sides' positions and evidence, the mediator's
 * proposal with accept and reject, the outcome with its signed agreement; for the mediator who took
 * the case, the proposal and closing forms; for a mediator of the jurisdiction, taking it.
 */
export function MediationRoom({ role, caseId, back }: { role: RoomRole; caseId: string; back?: ReactNode }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const name = useLocalName();
  const remote = useRemote(() => api.get<MediationCase>(`${caseBase(role)}/${caseId}`), `${role}:${caseId}`);
  const [fresh, setFresh] = useState<MediationCase>();
  const room = fresh && fresh.caseId === caseId ? fresh : remote.data;
  const { principal } = useSession();
  const myUserId = principal?.role === 'mediator' ? principal.userId : undefined;

  if (remote.error && !room) return <ErrorState error={remote.error} onRetry={remote.reload} />;
  if (!room) return <Skeleton active />;

  const take = async () => {
    try {
      setFresh(await api.post<MediationCase>(`/v1/mediator/cases/${room.caseId}/take`));
      void message.success(t('mediation.taken'));
    } catch (error) {
      void message.error(describeError(error));
    }
  };
  const handling = role === 'mediator' && room.status === 'in_mediation' && room.mediator?.userId === myUserId;

  return (
    <div data-testid="mediation-room" data-case-id={room.caseId}>
      {back}
      <PageTitle
        title={
          <Space wrap>
            {t('mediation.title')}
            <MediationStatusTag status={room.status} />
          </Space>
        }
        subtitle={room.institution ? name(room.institution) : undefined}
        extra={
          role === 'mediator' && room.status === 'requested' ? (
            <Button type="primary" onClick={() => void take()} data-action="take">
              {t('mediation.take')}
            </Button>
          ) : undefined
        }
      />
      {!isOpen(room.status) && <OutcomeCard room={room} role={role} />}
      {room.status === 'requested' && role !== 'mediator' && <Alert type="info" showIcon title={t('mediation.requested')} style={{ marginBottom: 16 }} />}
      <Card className="fh-card">
        <CaseFacts room={room} />
      </Card>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={14}>
          <Flex vertical gap={16}>
            <ProposalCard room={room} role={role} onChange={setFresh} />
            {handling && <MediatorTools room={room} onChange={setFresh} />}
            <PositionsCard room={room} role={role} onChange={setFresh} />
          </Flex>
        </Col>
        <Col xs={24} lg={10}>
          <Flex vertical gap={16}>
            <EvidenceCard room={room} role={role} />
            {room.events.length > 0 ? <History room={room} /> : <Empty />}
          </Flex>
        </Col>
      </Row>
    </div>
  );
}

import { Alert, App, Breadcrumb, Button, Card, Col, DatePicker, Empty, Flex, Form, Grid, Input, InputNumber, Popconfirm, Progress, Row, Select, Skeleton, Space, Statistic, Switch, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { ExperimentOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, api, describeError, fieldName } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { formatCount, useLocalName } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import { useRecordTypeName, useStandard, useZhEn } from '../../filing/standard.js';
import { useJurisdictionName } from '../../rulebook/RulebookView.js';
import { fromFormValue, todayInChina, toFormValue } from '../../rulebook/parameters.js';
import { useFactLabel, useFactText, useValueText } from '../../rulebook/values.js';
import { useSession } from '../../session.js';
import type { DryRunJob, Rule, RuleParameter, RulesReply } from '../../types.js';

interface Values {
  parameters: Record<string, unknown>;
  effectiveFrom: string;
  reasonZh?: string;
  reasonEn?: string;
}

type DryRun = { key: string; job: DryRunJob | null } | null;

/** How long to wait between two looks at a running dry run. */
const POLL_MS = 600;

/** `1234567.8` → `1,234,567.8` in the money field; back without the commas. */
const withCommas = (value: string | number | undefined) => `${value ?? ''}`.replace(/\B(?=(\d{3})+(?!\d))/g, ',').replace(/(\.\d*?),/g, '$1');
const withoutCommas = (value: string | undefined) => (value ?? '').replace(/,/g, '');

/**
 * Tighten a rule's parameters for the supervisor's own jurisdiction: new values (money in yuan, rates
 * in percent), a date and a reason; a dry run shows which alerts the change would add and remove,
 * institution by institution; then the refinement is applied.
 */
export function RuleEditorPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { ruleId = '' } = useParams();
  const { principal } = useSession();
  const jurisdiction = principal?.role === 'supervisor' ? principal.jurisdiction.code : '000000';
  const name = useLocalName();
  const text = useZhEn();
  const jurisdictionName = useJurisdictionName();
  const valueText = useValueText();
  const today = todayInChina();
  const rules = useRemote(() => api.get<RulesReply>('/v1/rules', { jurisdiction, date: today }), `${jurisdiction}/${today}`);
  const rule = rules.data?.rules.find((candidate) => candidate.id === ruleId);
  const adjustable = rule?.parameters.filter((parameter) => parameter.direction !== 'fixed') ?? [];

  const [form] = Form.useForm<Values>();
  const [dryRun, setDryRun] = useState<DryRun>(null);
  const [changedKey, setChangedKey] = useState('{}');
  // What was refused, kept as the error (or a key) so that its words follow the reader's language.
  const [refusal, setRefusal] = useState<{ error: unknown } | { key: string } | null>(null);
  const [applying, setApplying] = useState(false);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  /** The parameters whose value differs from the one in force, as the API wants them. */
  const changes = (values: Partial<Values>): Record<string, unknown> => {
    const changed: Record<string, unknown> = {};
    for (const parameter of adjustable) {
      const raw = values.parameters?.[parameter.name];
      if (raw === undefined || raw === null || raw === '') continue;
      const value = fromFormValue(parameter.type, raw);
      if (value !== parameter.value) changed[parameter.name] = value;
    }
    return changed;
  };

  /** An error of the API in words: a loosened parameter names the parameter and the tier above with its value (`short`: the tier's value only, for under the field). */
  const explain = (error: unknown, short = false): string => {
    if (error instanceof ApiError && error.code === 'FH_RULE_PARAMETER_LOOSENED' && rule) {
      const details = error.details ?? {};
      const parameterName = typeof details.parameter === 'string' ? details.parameter : error.field ? fieldName(error.field).replace(/^parameters\./, '') : '';
      const parameter = rule.parameters.find((candidate) => candidate.name === parameterName);
      const parentJurisdiction = typeof details.parentJurisdiction === 'string' ? details.parentJurisdiction : undefined;
      if (parameter && details.parentValue !== undefined && short) {
        return t(parameter.direction === 'floor' ? 'ruleEditor.parentFloor' : 'ruleEditor.parentCap', {
          tier: parentJurisdiction ? jurisdictionName(parentJurisdiction) : t('rulebook.tierNational'),
          value: valueText(parameter.type, details.parentValue, parameter.unit),
        });
      }
      if (parameter && details.parentValue !== undefined) {
        return t('ruleEditor.loosened', {
          parameter: text(parameter.label, parameter.name),
          tier: parentJurisdiction ? jurisdictionName(parentJurisdiction) : t('rulebook.tierNational'),
          value: valueText(parameter.type, details.parentValue, parameter.unit),
          limit: t(parameter.direction === 'cap' ? 'ruleEditor.loosenedCap' : parameter.direction === 'floor' ? 'ruleEditor.loosenedFloor' : 'ruleEditor.loosenedFixed'),
        });
      }
    }
    return describeError(error);
  };

  /** The parameter a refusal of the API names, if it is one of the form's. */
  const refusedParameter = (error: unknown): string | undefined => {
    if (!(error instanceof ApiError) || (error.code !== 'FH_RULE_PARAMETER_LOOSENED' && error.code !== 'FH_RULE_PARAMETER_INVALID')) return undefined;
    const parameterName = typeof error.details?.parameter === 'string' ? error.details.parameter : error.field ? fieldName(error.field).replace(/^parameters\./, '') : '';
    return adjustable.some((parameter) => parameter.name === parameterName) ? parameterName : undefined;
  };

  /** Show a refusal above the form and on the parameter it names, or on the field it names, or as a message. */
  const refuse = (error: unknown) => {
    if (error instanceof ApiError && (error.code === 'FH_RULE_PARAMETER_LOOSENED' || error.code === 'FH_RULE_PARAMETER_INVALID')) {
      setRefusal({ error });
      return;
    }
    if (error instanceof ApiError && error.field && ['effectiveFrom', 'reason'].includes(fieldName(error.field).split('.')[0] ?? '')) {
      const field = fieldName(error.field).startsWith('reason') ? (i18n.language.startsWith('en') ? 'reasonEn' : 'reasonZh') : 'effectiveFrom';
      form.setFields([{ name: field, errors: [error.localMessage()] }]);
      return;
    }
    message.error(explain(error));
  };

  const refusalText = refusal === null ? null : 'key' in refusal ? t(refusal.key) : explain(refusal.error);
  const refusedName = refusal !== null && 'error' in refusal ? refusedParameter(refusal.error) : undefined;
  // The refusal also sits under the parameter it names, in the language of the moment.
  useEffect(() => {
    if (refusedName && refusal !== null && 'error' in refusal) form.setFields([{ name: ['parameters', refusedName], errors: [explain(refusal.error, true)] }]);
  }, [refusedName, refusalText, i18n.language]);

  const startDryRun = async () => {
    setRefusal(null);
    let values: Values;
    try {
      values = (await form.validateFields(['parameters', 'effectiveFrom'], { recursive: true })) as Values;
    } catch {
      return;
    }
    const changed = changes(values);
    if (Object.keys(changed).length === 0) {
      setRefusal({ key: 'ruleEditor.unchanged' });
      return;
    }
    const key = JSON.stringify(changed);
    setDryRun({ key, job: null });
    try {
      const { jobId } = await api.post<{ jobId: string }>('/v1/supervisor/rules/dry-runs', { jurisdiction, ruleId, parameters: changed, effectiveFrom: values.effectiveFrom });
      // Look again until the job says it is done or failed.
      for (;;) {
        const job = await api.get<DryRunJob>(`/v1/supervisor/rules/dry-runs/${encodeURIComponent(jobId)}`);
        if (!alive.current) return;
        setDryRun({ key, job });
        if (job.status !== 'running') return;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    } catch (error) {
      if (!alive.current) return;
      setDryRun(null);
      refuse(error);
    }
  };

  const apply = async () => {
    setRefusal(null);
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const changed = changes(values);
    if (Object.keys(changed).length === 0) {
      setRefusal({ key: 'ruleEditor.unchanged' });
      return;
    }
    setApplying(true);
    try {
      // The reason is kept in both languages; one written in only one of them stands for both.
      const zh = values.reasonZh?.trim() || values.reasonEn?.trim() || '';
      const en = values.reasonEn?.trim() || zh;
      await api.post<Rule>(`/v1/supervisor/rules/${encodeURIComponent(ruleId)}/refinements`, { jurisdiction, parameters: changed, effectiveFrom: values.effectiveFrom, reason: { zh, en } });
      message.success(t('ruleEditor.applied', { date: values.effectiveFrom }));
      void navigate(`/supervisor/rules?jurisdiction=${jurisdiction}&date=${values.effectiveFrom}`);
    } catch (error) {
      refuse(error);
    } finally {
      if (alive.current) setApplying(false);
    }
  };

  const job = dryRun?.job ?? null;
  const running = dryRun !== null && (job === null || job.status === 'running');
  const stale = dryRun !== null && dryRun.key !== changedKey;
  const readyToApply = job?.status === 'done' && !stale;

  const input = (parameter: RuleParameter) => {
    const testId = `param-input-${parameter.name}`;
    switch (parameter.type) {
      case 'money_fen':
        return <InputNumber<number> min={0} precision={2} step={1000} suffix={t('ruleEditor.yuan')} formatter={withCommas} parser={(value) => Number(withoutCommas(value))} style={{ width: 240 }} data-testid={testId} />;
      case 'rate':
        return <InputNumber<number> min={0} max={1000} precision={4} step={0.1} suffix={t('ruleEditor.percent')} style={{ width: 200 }} data-testid={testId} />;
      case 'integer':
        return <InputNumber<number> min={0} precision={0} style={{ width: 200 }} data-testid={testId} />;
      case 'decimal':
        return <InputNumber<number> min={0} step={0.1} style={{ width: 200 }} data-testid={testId} />;
      case 'boolean':
        return <Switch data-testid={testId} />;
      case 'code':
        return <Select style={{ width: 240 }} options={(parameter.codes ?? []).map((code) => ({ value: code, label: t(`rulebook.codes.${code}`, { defaultValue: code }) }))} data-testid={testId} />;
      case 'date':
        return <DatePicker format="YYYY-MM-DD" data-testid={testId} />;
    }
  };

  if (rules.error !== undefined) return <ErrorState error={rules.error} onRetry={rules.reload} />;
  if (!rules.data) return <Skeleton active paragraph={{ rows: 10 }} />;
  if (!rule) {
    return (
      <Card className="fh-card">
        <Empty description={t('ruleEditor.notFound', { ruleId })}>
          <Link to="/supervisor/rules">
            <Button>{t('ruleEditor.back')}</Button>
          </Link>
        </Empty>
      </Card>
    );
  }

  const initialValues: Values = {
    parameters: Object.fromEntries(adjustable.map((parameter) => [parameter.name, toFormValue(parameter.type, parameter.value)])),
    effectiveFrom: today,
  };

  return (
    <>
      <Breadcrumb items={[{ title: <Link to="/supervisor/rules">{t('menu.rulebook')}</Link> }, { title: text(rule.title) }]} className="fh-breadcrumb" />
      <PageTitle title={t('ruleEditor.title', { rule: text(rule.title) })} subtitle={t('ruleEditor.subtitle', { jurisdiction: name(rules.data.jurisdiction) })} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card className="fh-card" title={<span className="fh-mono">{rule.id}</span>}>
            <Typography.Paragraph type="secondary" data-testid="rule-basis">
              {t('rulebook.basis', { law: text(rule.basis.law), article: rule.basis.article, figure: text(rule.basis.figure) })}
            </Typography.Paragraph>
            {refusalText && <Alert type="error" showIcon title={refusalText} style={{ marginBottom: 16 }} data-testid="rule-refusal" />}
            <Form<Values>
              form={form}
              layout="vertical"
              initialValues={initialValues}
              onValuesChange={(_, all) => {
                setChangedKey(JSON.stringify(changes(all)));
                setRefusal(null);
              }}
              data-testid="rule-editor"
            >
              {adjustable.map((parameter) => (
                <Form.Item
                  key={parameter.name}
                  name={['parameters', parameter.name]}
                  label={`${text(parameter.label, parameter.name)} · ${t(`rulebook.directions.${parameter.direction}`)}`}
                  extra={t('ruleEditor.current', { value: valueText(parameter.type, parameter.value, parameter.unit), tier: jurisdictionName(parameter.setBy) })}
                  rules={[{ required: true, message: t('form.required') }]}
                  valuePropName={parameter.type === 'boolean' ? 'checked' : 'value'}
                  {...(parameter.type === 'date' ? { getValueProps: (value: unknown) => ({ value: typeof value === 'string' ? dayjs(value) : value }), normalize: (value: dayjs.Dayjs | null) => value?.format('YYYY-MM-DD') } : {})}
                >
                  {input(parameter)}
                </Form.Item>
              ))}
              <Form.Item
                name="effectiveFrom"
                label={t('ruleEditor.effectiveFrom')}
                rules={[{ required: true, message: t('form.required') }]}
                getValueProps={(value: unknown) => ({ value: typeof value === 'string' ? dayjs(value) : value })}
                normalize={(value: dayjs.Dayjs | null) => value?.format('YYYY-MM-DD')}
              >
                <DatePicker format="YYYY-MM-DD" allowClear={false} data-testid="effective-from" />
              </Form.Item>
              {/* The reason in the reader's language first; one of the two is enough (it stands for both). */}
              {(i18n.language.startsWith('en') ? (['reasonEn', 'reasonZh'] as const) : (['reasonZh', 'reasonEn'] as const)).map((field, index, pair) => (
                <Form.Item
                  key={field}
                  name={field}
                  label={t(index === 0 ? 'ruleEditor.reason' : 'ruleEditor.reasonOther', { language: t(field === 'reasonZh' ? 'ruleEditor.inChinese' : 'ruleEditor.inEnglish') })}
                  required={index === 0}
                  dependencies={[pair[1 - index]!]}
                  rules={[
                    ({ getFieldValue }) => ({
                      validator: async (_, value?: string) => {
                        if (index === 0 && !value?.trim() && !(getFieldValue(pair[1]!) as string | undefined)?.trim()) throw new Error(t('ruleEditor.reasonRequired'));
                      },
                    }),
                  ]}
                >
                  <Input.TextArea rows={index === 0 ? 3 : 2} maxLength={2000} showCount placeholder={index === 0 ? t('ruleEditor.reasonPlaceholder') : undefined} data-testid={index === 0 ? 'rule-reason' : 'rule-reason-other'} />
                </Form.Item>
              ))}
              <Typography.Paragraph type="secondary">{t('ruleEditor.dryRunHint')}</Typography.Paragraph>
              <Space wrap>
                <Button icon={<ExperimentOutlined />} onClick={() => void startDryRun()} loading={running} data-testid="dry-run">
                  {t('ruleEditor.dryRun')}
                </Button>
                <Popconfirm title={t('ruleEditor.applyConfirm', { jurisdiction: name(rules.data.jurisdiction) })} okText={t('ruleEditor.apply')} cancelText={t('common.cancel')} onConfirm={() => void apply()} disabled={!readyToApply}>
                  <Button type="primary" icon={<SafetyCertificateOutlined />} disabled={!readyToApply} loading={applying} data-testid="apply" title={readyToApply ? undefined : t('ruleEditor.needsDryRun')}>
                    {t('ruleEditor.apply')}
                  </Button>
                </Popconfirm>
              </Space>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <DryRunPanel dryRun={dryRun} stale={stale} />
        </Col>
      </Row>
    </>
  );
}

type Example = NonNullable<DryRunJob['result']>['examples'][number];
type InstitutionChange = NonNullable<DryRunJob['result']>['byInstitution'][number];

/** The dry run's progress while it runs, then what it would change. */
function DryRunPanel({ dryRun, stale }: { dryRun: DryRun; stale: boolean }) {
  const { t, i18n } = useTranslation();
  const name = useLocalName();
  const text = useZhEn();
  const factText = useFactText();
  const factLabel = useFactLabel();
  const phone = Grid.useBreakpoint().md === false;
  const { standard } = useStandard();
  const recordTypeName = useRecordTypeName(standard);
  const count = (value: number) => formatCount(value, i18n.language);
  const job = dryRun?.job ?? null;

  if (dryRun === null) {
    return (
      <Card className="fh-card" title={t('ruleEditor.result')}>
        <Empty description={t('ruleEditor.needsDryRun')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      </Card>
    );
  }
  if (job === null || job.status === 'running') {
    const total = job?.progress.total ?? 0;
    const checked = job?.progress.checked ?? 0;
    return (
      <Card className="fh-card" title={t('ruleEditor.result')} data-testid="dry-run-result" data-status="running">
        <Progress percent={total > 0 ? Math.floor((checked / total) * 100) : 0} status="active" />
        <Typography.Text type="secondary">{job && total > 0 ? t('ruleEditor.running', { checked: count(checked), total: count(total) }) : t('ruleEditor.starting')}</Typography.Text>
      </Card>
    );
  }
  if (job.status === 'failed' || !job.result) {
    const words = job.error ? text(job.error.message) : t('error.unexpected');
    return (
      <Card className="fh-card" title={t('ruleEditor.result')} data-testid="dry-run-result" data-status="failed">
        <Alert type="error" showIcon title={t('ruleEditor.failed', { message: words })} />
      </Card>
    );
  }

  const result = job.result;
  const names = new Map(result.byInstitution.map((row) => [row.institutionId, name(row)]));
  const institutionColumns: TableColumnsType<InstitutionChange> = [
    { title: t('alerts.institution'), key: 'name', render: (_, row) => name(row) },
    { title: t('ruleEditor.added'), dataIndex: 'added', key: 'added', align: 'right', render: (value: number) => count(value) },
    { title: t('ruleEditor.removed'), dataIndex: 'removed', key: 'removed', align: 'right', render: (value: number) => count(value) },
  ];
  const exampleColumns: TableColumnsType<Example> = [
    { title: t('ruleEditor.change'), dataIndex: 'change', key: 'change', render: (change: Example['change']) => changeTag(change) },
    { title: t('alerts.institution'), key: 'institution', render: (_, example) => names.get(example.institutionId) ?? '—' },
    { title: t('alerts.record'), key: 'record', render: (_, example) => <span>{recordTypeName(example.recordType)} <span className="fh-mono">{example.recordId}</span></span> },
    {
      title: t('alerts.facts'),
      key: 'facts',
      render: (_, example) => factLines(example),
    },
  ];

  const factLines = (example: Example) => (
    <Space orientation="vertical" size={0}>
      {example.facts.map((fact) => (
        <span key={fact.name}>{t('ruleEditor.factLine', { label: factLabel(fact), value: factText(fact, example.recordType) })}</span>
      ))}
    </Space>
  );
  const changeTag = (change: Example['change']) => <Tag color={change === 'added' ? 'volcano' : 'green'}>{t(`ruleEditor.changes.${change}`)}</Tag>;

  return (
    <Card className="fh-card" title={t('ruleEditor.result')} data-testid="dry-run-result" data-status="done">
      {stale && <Alert type="warning" showIcon title={t('ruleEditor.stale')} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={8}>
          <Statistic title={t('ruleEditor.added')} value={count(result.added)} data-testid="dry-run-added" styles={{ content: { color: result.added > 0 ? '#a8071a' : undefined } }} />
        </Col>
        <Col xs={8}>
          <Statistic title={t('ruleEditor.removed')} value={count(result.removed)} data-testid="dry-run-removed" styles={{ content: { color: result.removed > 0 ? '#389e0d' : undefined } }} />
        </Col>
        <Col xs={8}>
          <Statistic title={t('ruleEditor.unchangedCount')} value={count(result.unchanged)} data-testid="dry-run-unchanged" />
        </Col>
      </Row>
      {result.added === 0 && result.removed === 0 ? (
        <Alert type="info" showIcon title={t('ruleEditor.noChange')} style={{ marginTop: 16 }} />
      ) : (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('ruleEditor.byInstitution')}
          </Typography.Title>
          {phone ? (
            <Space orientation="vertical" size={4} style={{ width: '100%' }} data-testid="dry-run-institutions">
              {result.byInstitution.map((row) => (
                <Flex key={row.institutionId} justify="space-between" gap={8}>
                  <span>{name(row)}</span>
                  <span className="fh-nowrap">
                    <Typography.Text type="danger">+{count(row.added)}</Typography.Text> / <Typography.Text type="success">−{count(row.removed)}</Typography.Text>
                  </span>
                </Flex>
              ))}
            </Space>
          ) : (
            <Table<InstitutionChange> rowKey="institutionId" size="small" columns={institutionColumns} dataSource={result.byInstitution} pagination={false} data-testid="dry-run-institutions" />
          )}
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('ruleEditor.examples')}
          </Typography.Title>
          {phone ? (
            <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="dry-run-examples">
              {result.examples.map((example) => (
                <Card size="small" key={`${example.change}/${example.recordType}/${example.recordId}`} className="fh-row-card">
                  <Space size={6} wrap>
                    {changeTag(example.change)}
                    <span>{recordTypeName(example.recordType)}</span>
                    <span className="fh-mono">{example.recordId}</span>
                  </Space>
                  <div className="fh-secondary-name">{names.get(example.institutionId) ?? '—'}</div>
                  <div className="fh-row-card-body">{factLines(example)}</div>
                </Card>
              ))}
            </Space>
          ) : (
            <Table<Example> rowKey={(example) => `${example.change}/${example.recordType}/${example.recordId}`} size="small" columns={exampleColumns} dataSource={result.examples} pagination={false} scroll={{ x: 560 }} data-testid="dry-run-examples" />
          )}
        </>
      )}
    </Card>
  );
}

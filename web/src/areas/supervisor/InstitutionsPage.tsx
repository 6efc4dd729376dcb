import { App, Button, Card, Flex, Form, Input, Modal, Select, TreeSelect, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { InstitutionTable } from '../../components/InstitutionTable.js';
import { PageTitle } from '../../components/PageTitle.js';
import { describeError, showFieldError } from '../../components/forms.js';
import { useLocalName } from '../../components/format.js';
import { jurisdictionTree, useReference } from '../../components/reference.js';
import { useRemote } from '../../components/useRemote.js';
import { useUrlFilters } from '../../components/useUrlFilters.js';
import { useSession } from '../../session.js';
import { institutionKinds, licenceStatuses, type InstitutionSummary, type Page } from '../../types.js';

const PAGE_SIZE = 20;

interface NewInstitution {
  uscc: string;
  nameZh: string;
  nameEn: string;
  jurisdictionCode: string;
  kind: string;
}

/** The institutions in the supervisor's jurisdiction, with registration of a new one. */
export function InstitutionsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const name = useLocalName();
  const reference = useReference();
  const { principal } = useSession();
  const navigate = useNavigate();
  const filters = useUrlFilters();
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<NewInstitution>();

  const q = filters.get('q') ?? '';
  const licenceType = filters.get('licenceType');
  const licenceStatus = filters.get('licenceStatus');
  const jurisdiction = filters.get('jurisdiction');
  const query = { q, licenceType, licenceStatus, jurisdiction, page: filters.page, pageSize: PAGE_SIZE };
  const list = useRemote(() => api.get<Page<InstitutionSummary>>('/v1/supervisor/institutions', query), JSON.stringify(query));
  const ownJurisdiction = principal?.role === 'supervisor' ? principal.jurisdiction.code : undefined;

  const register = async (values: NewInstitution) => {
    setBusy(true);
    try {
      const created = await api.post<InstitutionSummary>('/v1/supervisor/institutions', { ...values, uscc: values.uscc.trim().toUpperCase() });
      message.success(t('institution.registered'));
      setCreating(false);
      form.resetFields();
      void navigate(`/supervisor/institutions/${created.institutionId}`);
    } catch (error) {
      if (!showFieldError(form, error, ['uscc', 'nameZh', 'nameEn', 'jurisdictionCode', 'kind'])) message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle
        title={t('menu.institutions')}
        subtitle={principal?.role === 'supervisor' ? t('supervisor.scope', { jurisdiction: name(principal.jurisdiction) }) : undefined}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('institution.register')}
          </Button>
        }
      />
      <Card className="fh-card">
        <Flex gap={12} wrap className="fh-filters">
          <Input.Search
            allowClear
            placeholder={t('registry.placeholder')}
            defaultValue={q}
            onSearch={(value) => filters.set('q', value.trim() || undefined)}
            style={{ maxWidth: 320 }}
            enterButton
            data-testid="institution-search"
          />
          <Select
            allowClear
            placeholder={t('registry.filterStatus')}
            value={licenceStatus}
            onChange={(value?: string) => filters.set('licenceStatus', value)}
            options={licenceStatuses.map((status) => ({ value: status, label: t(`status.${status}`) }))}
            style={{ minWidth: 150 }}
            data-testid="filter-licence-status"
          />
          <Select
            allowClear
            placeholder={t('registry.filterType')}
            value={licenceType}
            onChange={(value?: string) => filters.set('licenceType', value)}
            options={reference.licenceTypes.map((type) => ({ value: type.type, label: name(type) }))}
            style={{ minWidth: 180 }}
            data-testid="filter-licence-type"
          />
          <TreeSelect
            allowClear
            showSearch
            treeNodeFilterProp="title"
            placeholder={t('registry.filterJurisdiction')}
            value={jurisdiction}
            onChange={(value?: string) => filters.set('jurisdiction', value)}
            treeData={jurisdictionTree(reference.jurisdictions, name, ownJurisdiction)}
            treeDefaultExpandedKeys={ownJurisdiction ? [ownJurisdiction] : []}
            style={{ minWidth: 180 }}
            data-testid="filter-jurisdiction"
          />
          <div className="fh-grow" />
          {list.data && <Typography.Text type="secondary">{t('registry.total', { count: list.data.total })}</Typography.Text>}
        </Flex>
        <InstitutionTable result={list} licenceTypes={reference.licenceTypes} basePath="/supervisor/institutions" onPage={filters.setPage} showKind />
      </Card>

      <Modal
        open={creating}
        title={t('institution.register')}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        onCancel={() => setCreating(false)}
        destroyOnHidden
        width={560}
      >
        <Form<NewInstitution> form={form} layout="vertical" onFinish={(values) => void register(values)} preserve={false} initialValues={{ jurisdictionCode: ownJurisdiction }}>
          <Form.Item name="uscc" label={t('institution.uscc')} extra={t('institution.usccHint')} rules={[{ required: true, message: t('form.required') }, { len: 18, message: t('institution.usccLength') }]}>
            <Input maxLength={18} className="fh-mono" />
          </Form.Item>
          <Form.Item name="nameZh" label={t('institution.nameZh')} rules={[{ required: true, message: t('form.required') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="nameEn" label={t('institution.nameEn')} rules={[{ required: true, message: t('form.required') }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="kind" label={t('institution.kind')} rules={[{ required: true, message: t('form.required') }]}>
            <Select options={institutionKinds.map((kind) => ({ value: kind, label: t(`kind.${kind}`) }))} />
          </Form.Item>
          <Form.Item name="jurisdictionCode" label={t('institution.jurisdiction')} rules={[{ required: true, message: t('form.required') }]}>
            <TreeSelect showSearch treeNodeFilterProp="title" treeDefaultExpandAll={false} treeData={jurisdictionTree(reference.jurisdictions, name, ownJurisdiction)} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

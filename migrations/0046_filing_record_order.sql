-- A filing's records in record-id order, by index. Monitoring reads an accepted filing a page at a
-- time (`filing_id = $1 and <id> > $after order by <id> limit n`); with an index on the filing
-- alone, every page fetched and sorted all of the filing's rows, so a filing of n rows cost
-- n²/page-size row reads. The two-column index serves lookups by filing as the old one did.
create index filed_product_filing_order on filed_product (filing_id, product_id);
drop index filed_product_filing;
create index filed_loan_filing_order on filed_loan (filing_id, loan_id);
drop index filed_loan_filing;
create index filed_repayment_filing_order on filed_repayment (filing_id, repayment_id);
drop index filed_repayment_filing;
create index filed_payment_filing_order on filed_payment (filing_id, payment_id);
drop index filed_payment_filing;
create index filed_fund_flow_filing_order on filed_fund_flow (filing_id, flow_id);
drop index filed_fund_flow_filing;
create index filed_collection_filing_order on filed_collection (filing_id, collection_id);
drop index filed_collection_filing;
create index filed_disclosure_filing_order on filed_disclosure (filing_id, disclosure_id);
drop index filed_disclosure_filing;
create index filed_complaint_filing_order on filed_complaint (filing_id, complaint_id);
drop index filed_complaint_filing;
create index filed_algorithm_decision_filing_order on filed_algorithm_decision (filing_id, decision_id);
drop index filed_algorithm_decision_filing;

-- Tradelines held as history, without a filing behind them: records taken over as they stand
-- (the demo's anonymous borrowers, whose two years of history train its scorecard). A rebuild
-- from filings never touches them, as no filing names their borrowers.
alter table tradeline alter column source_filing_id drop not null;

/**
 * i18next set-up: Chinese by default, English on request; the choice is kept in localStorage.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zh } from './zh.js';
import { en } from './en.js';
import { evidence } from './evidence.js';
import { dataRightsText } from './dataRights.js';
import { mediation } from './mediation.js';
import { complaints } from './complaints.js';
import { creditModels } from './credit-models.js';

export type Language = 'zh' | 'en';
export const LANGUAGE_KEY = 'fenghuo.language';

function storedLanguage(): Language {
  try {
    return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

void i18n.use(initReactI18next).init({
  resources: { zh: { translation: { ...zh, ...dataRightsText.zh, ...complaints.zh, ...creditModels.zh, ...mediation.zh, ...evidence.zh } }, en: { translation: { ...en, ...dataRightsText.en, ...complaints.en, ...creditModels.en, ...mediation.en, ...evidence.en } } },
  lng: storedLanguage(),
  fallbackLng: 'zh',
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Switch the UI language and remember it. */
export async function setLanguage(language: Language): Promise<void> {
  localStorage.setItem(LANGUAGE_KEY, language);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  await i18n.changeLanguage(language);
}

/** The current language as one of ours. */
export function currentLanguage(): Language {
  return i18n.language?.startsWith('en') ? 'en' : 'zh';
}

document.documentElement.lang = currentLanguage() === 'zh' ? 'zh-CN' : 'en';

export default i18n;

import { DEFAULT_LOCALE, type Locale } from './locale.js';

/**
 * A message catalogue: Japanese defines the keys; every other language must define each of them
 * with the same parameters (a missing or extra key, or a different parameter, fails to compile).
 * A message is a sentence, or a function of its parameters for sentences with values in them.
 */
export type Message = string | ((params: never) => string);
export type CatalogueOf<C extends Record<string, Message>> = {
  [K in keyof C]: C[K] extends (params: infer P) => string ? (params: P) => string : string;
};
export type MessageKey<C> = Extract<keyof C, string>;
type ParamsOf<C, K extends keyof C> = C[K] extends (params: infer P) => string ? [params: P] : [];

/**
 * A message chosen by code that does not render (a domain module's result), put into words later in
 * the reader's language: its key, or its key with the parameters the message needs.
 */
export type Said<C> = { [K in MessageKey<C>]: C[K] extends (params: infer P) => string ? { key: K; params: P } : K }[MessageKey<C>];

export interface Translator<C> {
  locale: Locale;
  t<K extends MessageKey<C>>(key: K, ...params: ParamsOf<C, K>): string;
  say(said: Said<C>): string;
}

/** The translator of one language over a program's catalogues. */
export function translatorFor<C extends Record<string, Message>>(catalogues: Record<Locale, CatalogueOf<C>>, locale: Locale): Translator<C> {
  const messages = catalogues[locale] ?? catalogues[DEFAULT_LOCALE];
  const render = (key: string, params: unknown) => {
    const message = messages[key] as Message | undefined;
    if (message === undefined) return key; // only a template can name a missing key: it shows as itself, never as nothing
    return typeof message === 'function' ? (message as (p: unknown) => string)(params) : message;
  };
  return {
    locale,
    t: (key, ...params) => render(key, params[0]),
    say: (said) => (typeof said === 'string' ? render(said, undefined) : render(said.key, (said as { params: unknown }).params)),
  };
}

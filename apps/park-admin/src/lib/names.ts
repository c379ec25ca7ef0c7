import type { Locale } from "../i18n/index.tsx";

/** The English name when the locale is English and one exists, else the Chinese name. */
export function nameOf(locale: Locale, o: { name: string; nameEn?: string | null }): string {
  return locale === "en" && o.nameEn ? o.nameEn : o.name;
}

/** Save a base64 file answer as a download. */
export function downloadBase64(file: { filename: string; mimeType: string; base64: string }): void {
  const bin = atob(file.base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mimeType }));
  const a = document.createElement("a");
  a.href = url;
  a.download = file.filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { LocaleSwitch } from "../components/LocaleSwitch.tsx";
import { errorText } from "../components/States.tsx";
import { useI18n } from "../i18n/index.tsx";
import { navigate } from "../lib/router.tsx";
import { errorCode, useTRPC } from "../trpc.ts";

function nextPath(): string {
  const next = new URLSearchParams(location.search).get("next");
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/";
}

export function LoginPage() {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async (me) => {
        await qc.invalidateQueries();
        const home =
          me.role === "enterprise-user" && me.enterpriseId ? `/enterprises/${me.enterpriseId}` : null;
        navigate(home ?? nextPath(), true);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email, password });
  };
  const failed = login.isError;
  return (
    <main className="login" id="main">
      <div className="login-top">
        <LocaleSwitch />
      </div>
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <div className="brand brand-lg">
          <span className="brand-mark" aria-hidden="true">
            W
          </span>
          <span className="brand-text">{t("app.title")}</span>
        </div>
        <h1 id="login-title">{t("auth.title")}</h1>
        <p className="muted">{t("auth.subtitle")}</p>
        <label className="field">
          <span>{t("auth.email")}</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t("auth.password")}</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {failed && (
          <p className="form-error" role="alert">
            {errorCode(login.error) === "UNAUTHORIZED" || errorCode(login.error) === "BAD_REQUEST"
              ? t("auth.failed")
              : errorText(t, login.error)}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={login.isPending}>
          {t("auth.submit")}
        </button>
      </form>
    </main>
  );
}

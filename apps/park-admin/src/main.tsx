import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { I18nProvider } from "./i18n/index.tsx";
import { appClients, Providers } from "./Providers.tsx";
import "./styles.css";

const root = document.getElementById("root");
if (root) {
  // The session check and the page's first queries go out now, before React renders anything.
  appClients();
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <Providers>
          <App />
        </Providers>
      </I18nProvider>
    </StrictMode>,
  );
}

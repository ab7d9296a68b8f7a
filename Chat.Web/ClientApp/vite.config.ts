import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    // The app, and the page that checks this browser's WebCrypto against docs/e2ee.md's test vectors.
    rollupOptions: { input: { app: "index.html", vectors: "e2ee-vectors.html" } },
  },
});

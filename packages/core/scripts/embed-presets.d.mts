export function renderPresets(): string;

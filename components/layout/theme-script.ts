export const THEME_STORAGE_KEY = 'codeflow-theme';

/** Runs in <head> before paint so a pinned theme never flashes the other one. */
export const THEME_SCRIPT = `(function(){try{var t=localStorage.getItem("${THEME_STORAGE_KEY}");if(t==="light"||t==="dark")document.documentElement.setAttribute("data-theme",t)}catch(e){}})()`;

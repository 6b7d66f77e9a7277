/** `import text from 'file?raw'`: the file's content as a string (esbuild plugin and Vite alike). */
declare module '*?raw' {
  const text: string;
  export default text;
}

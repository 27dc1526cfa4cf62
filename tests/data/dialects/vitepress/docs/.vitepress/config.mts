import { defineConfig } from 'vitepress'

export default defineConfig({
  title: 'Widget',
  srcExclude: ['**/parts/**'],
})

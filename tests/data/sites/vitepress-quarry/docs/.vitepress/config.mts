import { defineConfig, type DefaultTheme } from 'vitepress'

// https://vitepress.dev/reference/site-config
export default defineConfig({
  title: 'Quarry',
  description: 'Quarry keeps your rock collection in order.',
  srcDir: 'src',
  srcExclude: ['drafts/**'],
  cleanUrls: true,
  rewrites: {
    'reference/commands.md': 'reference/cli.md',
  },
  head: [['link', { rel: 'icon', href: '/logo.svg' }]],

  locales: {
    root: {
      label: 'English',
      lang: 'en-US',
      themeConfig: {
        nav: [{ text: 'Guide', link: '/guide/getting-started' }],
        sidebar: sidebarEn(),
      },
    },
    zh: {
      label: '简体中文',
      lang: 'zh-CN',
      link: '/zh/',
      themeConfig: {
        nav: [{ text: '指南', link: '/zh/guide/getting-started' }],
        sidebar: sidebarZh,
      },
    },
    ja: {
      label: '日本語',
      lang: 'ja',
      link: '/ja/',
      themeConfig: {
        sidebar: [
          {
            text: 'ガイド',
            items: [{ text: 'はじめに', link: '/ja/guide/getting-started' }],
          },
        ],
      },
    },
  },

  themeConfig: {
    logo: '/logo.svg',
    socialLinks: [{ icon: 'github', link: 'https://github.com/example/quarry' }],
    search: { provider: 'local' },
  },
})

function sidebarEn(): DefaultTheme.SidebarItem[] {
  return [
    {
      text: 'Guide',
      collapsed: false,
      items: [
        { text: 'Getting Started', link: '/guide/getting-started' },
        { text: 'Configuration', link: '/guide/configuration' },
      ],
    },
    {
      text: 'Reference',
      items: [{ text: 'Command Line', link: '/reference/cli' }],
    },
  ]
}

const sidebarZh: DefaultTheme.SidebarItem[] = [
  {
    text: '指南',
    items: [
      { text: '快速开始', link: '/zh/guide/getting-started' },
      { text: '配置', link: '/zh/guide/configuration' },
    ],
  },
]

import { WechatApp } from '../wechat-auth/wechat/apps/wechat-app';

/**
 * The apps the WeChat sandbox stands in for when no real app is configured,
 * one of each type, all bound to one (pretend) Open Platform account. These
 * secrets only open the local sandbox; configuration refuses them in production.
 */
export const DEMO_APPS: readonly WechatApp[] = [
  {
    key: 'demo-miniprogram',
    type: 'miniprogram',
    appid: 'wxd000000000000001',
    secret: 'sandbox0000000000000000000000001',
    openPlatformBound: true,
  },
  {
    key: 'demo-official-account',
    type: 'official_account',
    appid: 'wxd000000000000002',
    secret: 'sandbox0000000000000000000000002',
    openPlatformBound: true,
  },
  {
    key: 'demo-website',
    type: 'website',
    appid: 'wxd000000000000003',
    secret: 'sandbox0000000000000000000000003',
    openPlatformBound: true,
  },
  {
    key: 'demo-mobile-app',
    type: 'mobile_app',
    appid: 'wxd000000000000004',
    secret: 'sandbox0000000000000000000000004',
    openPlatformBound: true,
  },
];

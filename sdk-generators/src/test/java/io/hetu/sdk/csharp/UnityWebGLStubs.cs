// The one part of Unity's engine assemblies that the WebGL transport uses, so that mcs can type-check
// HetuWebGLTransport.cs with -define:UNITY_WEBGL outside Unity.
using System;

namespace AOT
{
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class MonoPInvokeCallbackAttribute : Attribute
    {
        public MonoPInvokeCallbackAttribute(Type type) { }
    }
}
